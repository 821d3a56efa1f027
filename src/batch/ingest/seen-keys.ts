/** Slots to start with (a power of two): 52k keys before the first resize, 1 MB. */
const INITIAL = 1 << 16;
/** Words per slot: the key's 80 bits as 32 + 32 + 16, then the row (0 = free slot). */
const WORDS = 4;

/**
 * The customer keys seen so far in one file, with the row each was first seen in: the
 * duplicate check of ingest.
 *
 * A key is given as its digest (see `keyDigest`: a key is `c_` + the digest's first 20
 * hex digits). Those 80 bits and the row sit side by side in one typed array, an
 * open-addressing table compared exactly, so two rows match exactly when their keys do.
 * On a 200k-row file this is about twice as fast as a `Map` of the key strings (the
 * largest single cost of ingest after csv-parse, bench/ingest.bench.ts), holds no string
 * per row, and takes 16 bytes per slot (4 MB for 200k keys).
 */
export class SeenKeys {
  #slots = new Uint32Array(INITIAL * WORDS);
  #capacity = INITIAL;
  #size = 0;

  /**
   * The row the key of `digest` was first seen in, or `undefined` when it is new — then
   * it is added with `row` (≥ 1).
   */
  firstRow(digest: string, row: number): number | undefined {
    if (digest.length < 20) throw new Error(`not a key digest: ${digest}`);
    if (this.#size * 5 >= this.#capacity * 4) this.#grow(); // at most 4/5 full
    const a = hex(digest, 0, 8);
    const b = hex(digest, 8, 16);
    const c = hex(digest, 16, 20);
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    for (let i = b & mask; ; i = (i + 1) & mask) {
      const at = i * WORDS;
      const found = slots[at + 3] as number;
      if (found === 0) {
        slots[at] = a;
        slots[at + 1] = b;
        slots[at + 2] = c;
        slots[at + 3] = row;
        this.#size++;
        return undefined;
      }
      if (slots[at] === a && slots[at + 1] === b && slots[at + 2] === c) return found;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = this.#capacity * 2;
    const slots = new Uint32Array(capacity * WORDS);
    const mask = capacity - 1;
    for (let from = 0; from < old.length; from += WORDS) {
      if (old[from + 3] === 0) continue;
      let i = (old[from + 1] as number) & mask;
      while (slots[i * WORDS + 3] !== 0) i = (i + 1) & mask;
      slots.set(old.subarray(from, from + WORDS), i * WORDS);
    }
    this.#slots = slots;
    this.#capacity = capacity;
  }
}

/** The number written by the hex digits `digits[from..to)` (at most 8 digits: 32 bits). */
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
