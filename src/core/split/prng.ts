/**
 * Deterministic hashing for split decisions. Everything here is plain 32-bit integer arithmetic
 * (Math.imul, >>>), so the same seed and key give the same value on every machine and Node version.
 * Math.random is never used: a split must be reproducible from its seed.
 */

/** Final avalanche step of MurmurHash3. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of a string. */
export function hashString(seed: number, s: string): number {
  let h = seed >>> 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= n;
  return fmix32(h);
}

/** A well-mixed 32-bit value from a seed and an integer (an item index). */
export function hashIndex(seed: number, index: number): number {
  return fmix32((Math.imul(seed >>> 0, 0x9e3779b1) ^ fmix32((index >>> 0) ^ 0x5bd1e995) ^ Math.floor(index / 4294967296)) >>> 0);
}

/** Normalizes any user seed (integer, possibly negative or larger than 32 bits) to 32 bits. */
export function normalizeSeed(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  const t = Math.trunc(seed);
  const lo = t % 4294967296;
  const hi = Math.floor(t / 4294967296);
  return fmix32((lo ^ Math.imul(hi | 0, 0x27d4eb2d)) >>> 0);
}

/** Maps a 32-bit hash to [0, 1). */
export function unit(h: number): number {
  return (h >>> 0) / 4294967296;
}

/**
 * Compares strings by UTF-16 code units: independent of locale and ICU version, unlike
 * localeCompare, so orderings (and therefore outputs) match across machines.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * hashString(seed, prefix + text) for text given as bytes that are all ASCII (so that each byte
 * is one UTF-16 code unit): the same value without building the string.
 */
export function hashAsciiBytes(seed: number, prefix: number, buf: Uint8Array, start: number, end: number): number {
  let h = seed >>> 0;
  let k = Math.imul(prefix, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  for (let i = start; i < end; i++) {
    k = Math.imul(buf[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= end - start + 1;
  return fmix32(h);
}
