/** The delimiters spreadsheets write: comma, semicolon (German Excel), tab ("Unicode Text"). */
export type Delimiter = ',' | ';' | '\t';

const CANDIDATES: readonly Delimiter[] = [',', ';', '\t'];

/**
 * Finds the end of the first line (index of its line break, or -1 when the text holds no
 * complete line yet). Line breaks inside quotes do not count.
 */
export function endOfFirstLine(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (!quoted && (c === 10 || c === 13)) return i;
  }
  return -1;
}

/**
 * Picks the delimiter of a CSV file from its header line: the candidate that occurs most
 * often outside quotes. Ties and a line without any candidate give `,`.
 *
 * @example detectDelimiter('Kontoname;Kunden-E-Mail;"Hinweis, optional"') // ';'
 */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts = new Map<Delimiter, number>(CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' || ch === '\r') {
      if (!quoted) break;
    } else if (!quoted && counts.has(ch as Delimiter)) {
      counts.set(ch as Delimiter, (counts.get(ch as Delimiter) ?? 0) + 1);
    }
  }
  let best: Delimiter = ',';
  for (const d of CANDIDATES) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * Reads Excel's `sep=;` hint line. Returns the delimiter it names, or undefined when the
 * line is an ordinary header.
 */
export function separatorHint(firstLine: string): Delimiter | undefined {
  const m = /^"?sep=(.)"?$/i.exec(firstLine);
  const d = m?.[1];
  return d === ',' || d === ';' || d === '\t' ? d : undefined;
}
