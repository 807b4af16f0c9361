/**
 * Lengths for the duplicate-key proof (validate.ts): the shortest JSON text of a parsed value.
 * The generated shape provers (validators.generated.ts, from scripts/gen-provers.ts) measure the
 * same way while they prove a line valid.
 */
type Obj = Record<string, unknown>;

/**
 * The signature of a generated prover: the shortest length of a valid value, or -1 (not proven).
 * With `shapeOnly` it proves without measuring: 0 or more for a valid value (scripts/gen-provers.ts).
 */
export type ShapeProver = (v: unknown, depth: number, shapeOnly?: boolean) => number;

/** Length of the shortest JSON text that parses to `v`, or -1 when no cheap lower bound is known. */
export function shortestLength(v: unknown, depth: number): number {
  if (typeof v === 'string') return v.length + 2;
  if (typeof v !== 'object') return typeof v === 'number' ? shortestNumberLength(v) : v === true ? 4 : 5;
  if (v === null) return 4;
  if (depth > 32) return -1;
  let total = 1;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const n = shortestLength(v[i], depth + 1);
      if (n < 0) return -1;
      total += n + 1;
    }
    return v.length === 0 ? 2 : total;
  }
  let members = 0;
  for (const k in v) {
    const x = (v as Obj)[k];
    // Strings inline: most members are strings, and the call costs more than the length.
    const n = typeof x === 'string' ? x.length + 2 : shortestLength(x, depth + 1);
    if (n < 0) return -1;
    total += k.length + n + 4;
    members++;
  }
  return members === 0 ? 2 : total;
}

/**
 * String(n) is the shortest text for n unless an exponent form is shorter: exponents cost at
 * least two characters (three when negative), so integers with three or more trailing zeros and
 * fractions below 0.01 have no bound here. Beyond 2^53 String(n) pads the shortest digits with
 * zeros (and 1e999 parses to Infinity): no bound either.
 */
export function shortestNumberLength(n: number): number {
  const a = n < 0 ? -n : n;
  if (a < 10 && Number.isInteger(a)) return n < 0 ? 2 : 1;
  if (Number.isInteger(a) ? a % 1000 === 0 || a > Number.MAX_SAFE_INTEGER : a < 0.01 || a === Infinity) return -1;
  return String(n).length;
}
