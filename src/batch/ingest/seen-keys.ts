/** Slots to start with (a power of two): 48k keys before the first resize, 1.3 MB. */
const INITIAL = 1 << 16;

/**
 * The customer keys seen so far in one file, with the row each was first seen in: the
 * duplicate check of ingest.
 *
 * A key is given as its digest (see `keyDigest`: a key is `c_` + the digest's first 20
 * hex digits); those 20 digits are held as two 40-bit numbers in an open-addressing
 * table of typed arrays and compared exactly, so two rows match exactly when their keys do. On a 200k-row file this is
 * about twice as fast as a `Map` of the key strings (the largest single cost of ingest
 * after csv-parse, measured with bench/ingest.bench.ts) and holds no string per row.
 */
export class SeenKeys {
  #hi = new Float64Array(INITIAL);
  #lo = new Float64Array(INITIAL);
  /** Spreadsheet row of the entry; 0 marks a free slot (rows start at 2). */
  #rows = new Int32Array(INITIAL);
  #size = 0;

  /** Number of keys held. */
  get size(): number {
    return this.#size;
  }

  /**
   * The row the key of `digest` was first seen in, or `undefined` when it is new — then
   * it is added with `row`.
   */
  firstRow(digest: string, row: number): number | undefined {
    if (digest.length < 20) throw new Error(`not a key digest: ${digest}`);
    if (this.#size * 4 >= this.#rows.length * 3) this.#grow(); // at most 3/4 full
    const hi = hex(digest, 0, 10);
    const lo = hex(digest, 10, 20);
    const mask = this.#rows.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const found = this.#rows[i] as number;
      if (found === 0) {
        this.#hi[i] = hi;
        this.#lo[i] = lo;
        this.#rows[i] = row;
        this.#size++;
        return undefined;
      }
      if (this.#lo[i] === lo && this.#hi[i] === hi) return found;
    }
  }

  #grow(): void {
    const hi = this.#hi;
    const lo = this.#lo;
    const rows = this.#rows;
    const capacity = rows.length * 2;
    const mask = capacity - 1;
    this.#hi = new Float64Array(capacity);
    this.#lo = new Float64Array(capacity);
    this.#rows = new Int32Array(capacity);
    for (let j = 0; j < rows.length; j++) {
      if (rows[j] === 0) continue;
      let i = (lo[j] as number) & mask;
      while (this.#rows[i] !== 0) i = (i + 1) & mask;
      this.#hi[i] = hi[j] as number;
      this.#lo[i] = lo[j] as number;
      this.#rows[i] = rows[j] as number;
    }
  }
}

/** The number written by the hex digits `digits[from..to)` (at most 13 digits stay exact). */
function hex(digits: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = digits.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) throw new Error(`not a key digest: ${digits}`);
    value = value * 16 + digit;
  }
  return value;
}
