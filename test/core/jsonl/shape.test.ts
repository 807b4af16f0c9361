// The generated shape provers let the validator skip ajv: whenever a prover returns a length, ajv
// must accept the line, and the length must be the duplicate-key proof's bound. Checked on lines
// generated from each format's schema with random mistakes, against ajv and the exact walk.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { JSONL_FORMAT_IDS, type JsonlFormatId } from '../../../src/core/formats';
import { shortestLength } from '../../../src/core/jsonl/shape';
import { JsonlLineValidator } from '../../../src/core/jsonl/validate';
import { FORMAT_SCHEMAS, formatProver, formatValidator, inlineCommonRefs, type JsonSchema } from '../../../src/core/schemas';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', 'a', 'daisy', 'gs://bkt/x.jpg', 'é', 'say "hi"', 'training', '1.5s', '0.25'];
const NUMBERS = [0, 1, -1, 0.5, 0.25, 1000, 123000, 0.001, 1e21, 2 ** 53 + 2, 1.5, 7];
const KEYS = ['x', 'displayName', 'xMin', '__proto__', 'aiplatform.googleapis.com/ml_use', 'constructor', 'toString'];

/** A value of a random kind (a mistake, or an unconstrained value). */
function junk(rnd: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  switch (Math.floor(rnd() * (depth > 2 ? 4 : 6))) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick([true, false]);
    case 3:
      return null;
    case 4:
      return Array.from({ length: Math.floor(rnd() * 3) }, () => junk(rnd, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 3) }, () => [pick(KEYS), junk(rnd, depth + 1)]));
  }
}

/** A value shaped by `node`, with a mistake now and then. */
function sample(node: unknown, rnd: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  if (!node || typeof node !== 'object' || rnd() < 0.06) return junk(rnd, depth);
  const schema = node as JsonSchema;
  const types = schema.type === undefined ? ['string', 'number', 'object'] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  switch (pick(types)) {
    case 'string':
      return pick(STRINGS);
    case 'number':
      return pick(NUMBERS);
    case 'integer':
      return pick([0, 1, 3, 1000, -5, 42]);
    case 'boolean':
      return rnd() < 0.5;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.floor(rnd() * 3) }, () => sample(schema.items, rnd, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      const required = (schema.required ?? []) as string[];
      for (const [k, sub] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
        if (rnd() < (required.includes(k) ? 0.95 : 0.6)) out[k] = sample(sub, rnd, depth + 1);
      }
      if (rnd() < 0.15) out[pick(KEYS)] = schema.additionalProperties && typeof schema.additionalProperties === 'object' ? sample(schema.additionalProperties, rnd, depth + 1) : junk(rnd, depth + 1);
      return out;
    }
  }
}

describe('shape provers agree with ajv and the exact length walk', () => {
  for (const format of JSONL_FORMAT_IDS as readonly JsonlFormatId[]) {
    it(format, () => {
      const schema = inlineCommonRefs(FORMAT_SCHEMAS[format]);
      const prove = formatProver(format);
      const ajv = formatValidator(format);
      let proven = 0;
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          const value = JSON.parse(JSON.stringify(sample(schema, random(seed), 0))) as unknown;
          const n = prove(value, 0);
          const valid = ajv(value);
          const exact = shortestLength(value, 0);
          // Shape only (lines built from a layout): the same verdict, also where no length is known.
          const shape = prove(value, 0, true);
          if (shape >= 0) assert.equal(valid, true, `shape proven but ajv rejects ${JSON.stringify(value)}`);
          else assert.ok(n < 0 && !(valid && exact >= 0), `shape not proven: ${JSON.stringify(value)}`);
          if (n >= 0) {
            proven++;
            assert.equal(valid, true, `proven but ajv rejects ${JSON.stringify(value)}: ${JSON.stringify(ajv.errors)}`);
            assert.equal(n, exact, JSON.stringify(value));
          } else if (valid && exact >= 0) {
            assert.fail(`ajv accepts and the length is known, but not proven: ${JSON.stringify(value)}`);
          }
        }),
        { numRuns: 400 },
      );
      assert.ok(proven > 20, `only ${proven} of 400 generated lines were valid`);
    });
  }

  it('never proves numbers ajv rejects (1e999 parses to Infinity)', () => {
    const value = JSON.parse('{"videoGcsUri":"gs://b/v.mp4","temporalBoundingBoxAnnotations":[{"displayName":"a","xMin":1e999,"yMin":0,"xMax":1,"yMax":1,"timeOffset":"1s"}]}') as unknown;
    assert.equal(formatValidator('video-object-tracking')(value), false);
    assert.equal(formatProver('video-object-tracking')(value, 0), -1);
    assert.equal(formatProver('video-object-tracking')(value, 0, true), -1);
  });

  it('validateLine reports the same diagnostics with and without the prover', () => {
    for (const format of JSONL_FORMAT_IDS as readonly JsonlFormatId[]) {
      const fast = new JsonlLineValidator(format);
      const slow = new JsonlLineValidator(format);
      (slow as unknown as { prove: undefined }).prove = undefined;
      const schema = inlineCommonRefs(FORMAT_SCHEMAS[format]);
      fc.assert(
        fc.property(fc.integer(), fc.constantFrom('', ' ', 'dup'), (seed, variant) => {
          let text = JSON.stringify(sample(schema, random(seed), 0));
          if (variant === ' ') text = text.replace(/,/g, ', ');
          if (variant === 'dup' && text.length > 2) text = text.replace(/^\{/, '{"x":1,"x":2,');
          if (text === '{"x":1,"x":2,}') return;
          const a: Diagnostic[] = [];
          const b: Diagnostic[] = [];
          fast.validateLine(text, 1, a);
          slow.validateLine(text, 1, b);
          assert.deepEqual(a, b, text);
        }),
        { numRuns: 150 },
      );
    }
  });
});
