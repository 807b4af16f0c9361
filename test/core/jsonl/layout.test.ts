// The layout cache replaces JSON.parse for lines laid out like an earlier line: whatever it
// returns must be exactly what JSON.parse returns (values, key order, -0), and it must never
// accept a line JSON.parse rejects.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LayoutCache, learnLayout } from '../../../src/core/jsonl/layout';
import { JsonlLineValidator } from '../../../src/core/jsonl/validate';
import type { Diagnostic } from '../../../src/core/diagnostics';

/** A JSON tree whose objects are entry lists (so duplicate keys can be written) and numbers raw text. */
type Tree = { o: [string, Tree][] } | { a: Tree[] } | { s: string } | { n: string } | { c: 'true' | 'false' | 'null' };

const keyArb = fc.oneof(fc.constantFrom('imageGcsUri', 'displayName', 'a', '', '1', '__proto__', 'constructor', 'x"y', 'é', 'a\\b'), fc.string({ maxLength: 6 }));
const stringArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', '"', '\\', '\\"', '\u0000', '\u001f', '\t', '\u2028', '\ud800', 'gs://b/o.jpg', 'x\ny'),
);
const numberTextArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.constantFrom('-0', '0', '0.10', '1E+2', '1e-7', '-1.5e400', '1e400', '01', '1.', '.5', '+1', '-', '1e', '0x10', 'NaN', 'Infinity', '2e-400'),
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringArb.map((s) => ({ s })),
    numberTextArb.map((n) => ({ n })),
    fc.constantFrom<'true' | 'false' | 'null'>('true', 'false', 'null').map((c) => ({ c })),
    fc.array(fc.tuple(keyArb, tie('tree')), { maxLength: 4 }).map((o) => ({ o })),
    fc.array(tie('tree'), { maxLength: 4 }).map((a) => ({ a })),
  ),
})).tree;
const objectArb = fc.array(fc.tuple(keyArb, treeArb), { maxLength: 5 }).map((o): Tree => ({ o }));

/** Writes a tree with the given whitespace between tokens (cycled), strings raw or JSON-escaped. */
function write(t: Tree, ws: string[], raw: boolean): string {
  let i = 0;
  const w = () => (ws.length ? ws[i++ % ws.length] : '');
  const str = (s: string) => (raw ? `"${s}"` : JSON.stringify(s));
  const go = (t: Tree): string => {
    if ('o' in t) return `{${w()}${t.o.map(([k, v]) => `${str(k)}${w()}:${w()}${go(v)}`).join(`${w()},${w()}`)}${w()}}`;
    if ('a' in t) return `[${w()}${t.a.map(go).join(`${w()},${w()}`)}${w()}]`;
    if ('s' in t) return str(t.s);
    if ('n' in t) return t.n;
    return t.c;
  };
  return `${w()}${go(t)}${w()}`;
}

/** The same structure with other values: strings and numbers replaced in order. */
function revalue(t: Tree, strings: string[], numbers: string[]): Tree {
  let si = 0;
  let ni = 0;
  const go = (t: Tree): Tree => {
    if ('o' in t) return { o: t.o.map(([k, v]) => [k, go(v)]) };
    if ('a' in t) return { a: t.a.map(go) };
    if ('s' in t) return strings.length ? { s: strings[si++ % strings.length] } : t;
    if ('n' in t) return numbers.length ? { n: numbers[ni++ % numbers.length] } : t;
    return t;
  };
  return go(t);
}

function parseOrError(text: string): { value: unknown } | { error: true } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: true };
  }
}

/** Deep equality that also compares key order, prototypes and -0. */
function sameValue(a: unknown, b: unknown, path = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Object.is(a, b), `${path}: ${a} vs ${b}`);
    return;
  }
  assert.equal(typeof a, typeof b, `${path}: type`);
  if (typeof a !== 'object' || a === null || b === null) {
    assert.equal(a, b, path);
    return;
  }
  assert.equal(Array.isArray(a), Array.isArray(b), `${path}: array`);
  assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b), `${path}: prototype`);
  const ka = Object.keys(a);
  assert.deepEqual(ka, Object.keys(b as object), `${path}: keys`);
  for (const k of ka) sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
}

const wsArb = fc.array(fc.constantFrom('', '', '', ' ', '  ', '\t', '\r', ' \t'), { maxLength: 5 });

function checkAgainstJsonParse(cache: LayoutCache, line: string): void {
  const got = cache.parse(line);
  const want = parseOrError(line);
  if ('error' in want) assert.equal(got, undefined, `accepted a line JSON.parse rejects: ${JSON.stringify(line)}`);
  else if (got !== undefined) sameValue(got, want.value);
}

describe('JSONL layout cache', () => {
  it('returns what JSON.parse returns for any line, laid out like the learned one or not', () => {
    fc.assert(
      fc.property(
        objectArb,
        wsArb,
        fc.boolean(),
        fc.array(stringArb, { maxLength: 4 }),
        fc.array(numberTextArb, { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('"', '\\', ',', '}', ']', ' ', '0', 'e', '-', '\u0001', 'x', '')), { maxLength: 3 }),
        (tree, ws, raw, strings, numbers, edits) => {
          const first = write(tree, ws, raw);
          const cache = new LayoutCache();
          const parsed = parseOrError(first);
          if ('error' in parsed) {
            assert.equal(cache.parse(first), undefined);
            return;
          }
          if (typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)) cache.learn(first);
          checkAgainstJsonParse(cache, first);
          // Same layout, other values (raw strings may hold quotes, escapes or controls).
          const second = write(revalue(tree, strings, numbers), ws, raw);
          checkAgainstJsonParse(cache, second);
          // Character edits anywhere in the line.
          let edited = first;
          for (const [at, ch] of edits) {
            const i = edited.length ? at % edited.length : 0;
            edited = edited.slice(0, i) + ch + edited.slice(i + (ch === '' ? 1 : at % 2));
            checkAgainstJsonParse(cache, edited);
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('matches lines of a learned layout and builds them with the same key order', () => {
    const cache = new LayoutCache();
    const a = '{"imageGcsUri": "gs://b/1.jpg", "boxes": [{"x": 0.1, "y": -0}, {"x": 1E+2, "y": 2e-3}], "ok": true, "n": null}';
    cache.learn(a);
    const b = '{"imageGcsUri": "gs://b/ü 2.jpg", "boxes": [{"x": 0, "y": -0.0}, {"x": 1e400, "y": 7}], "ok": true, "n": null}';
    const v = cache.parse(b);
    assert.notEqual(v, undefined);
    sameValue(v, JSON.parse(b));
    assert.ok(Object.is((v as { boxes: { y: number }[] }).boxes[0].y, -0));
    // Another layout (a third box, other spacing, false for true) is left to JSON.parse.
    assert.equal(cache.parse(b.replace('"ok": true', '"ok": false')), undefined);
    assert.equal(cache.parse(b.replace(', "n"', ',"n"')), undefined);
    // An escaped quote or a raw control character in a value is not a plain string.
    assert.equal(cache.parse(b.replace('ü 2', 'a\\"b')), undefined);
    assert.equal(cache.parse(b.replace('ü 2', 'a\u0007b')), undefined);
    // A number not in JSON's grammar.
    assert.equal(cache.parse(b.replace('"x": 0,', '"x": 01,')), undefined);
    assert.equal(cache.parse(b.replace('"y": 7', '"y": .7')), undefined);
  });

  it('matches or refuses huge lines without throwing (no catastrophic backtracking)', () => {
    const cache = new LayoutCache();
    cache.learn('{"imageGcsUri":"gs://b/a.jpg","n":1.5}');
    const long = 'a'.repeat(5_000_000);
    assert.equal(cache.parse(`{"imageGcsUri":"${long}`), undefined);
    assert.equal(cache.parse(`{"imageGcsUri":"${long}","n":x}`), undefined);
    assert.equal(cache.parse(`{"imageGcsUri":"x","n":${'1'.repeat(2_000_000)}x}`), undefined);
    assert.equal((cache.parse(`{"imageGcsUri":"${long}","n":2}`) as { imageGcsUri: string }).imageGcsUri.length, long.length);
  });

  it('never learns lines a layout cannot rebuild exactly', () => {
    assert.equal(learnLayout('{"__proto__": {"x": "1"}}'), undefined, '__proto__ would set the prototype in a literal');
    assert.equal(learnLayout('{"a": "1", "a": "2"}'), undefined, 'duplicate keys');
    assert.equal(learnLayout('{"a": "x\\ty"}'), undefined, 'escapes');
    assert.equal(learnLayout(`{"a": ${'['.repeat(40)}${']'.repeat(40)}}`), undefined, 'deep nesting');
    assert.ok(learnLayout('{"1": "a", "b": [true, false, null, -1.5e3], "": {}}'));
  });

  it('stops learning while learned layouts go unused, and learns again when they pay', () => {
    const cache = new LayoutCache();
    let learned = 0;
    // Every line a different layout: learning attempts thin out.
    for (let i = 0; i < 5000; i++) {
      const before = cache.learnedCount;
      const line = `{"k${i}": "v"}`;
      if (cache.parse(line) === undefined) cache.learn(line);
      learned += cache.learnedCount - before;
    }
    assert.ok(learned < 40, `learned ${learned} layouts for 5,000 distinct lines`);
    // Then a long run of one layout: learned again, and matched from then on.
    let matched = 0;
    for (let i = 0; i < 100_000; i++) {
      const line = `{"uri": "gs://b/${i}.jpg"}`;
      if (cache.parse(line) === undefined) cache.learn(line);
      else matched++;
    }
    // At most one sleep (16,384 lines) and one window pass before the layout is learned.
    assert.ok(matched > 80_000, `matched ${matched} of 100,000`);
  });

  it('builds strings that do not keep the line (or the chunk it was cut from) in memory', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new LayoutCache();
    const kept: unknown[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let c = 0; c < 40; c++) {
      // A 1 MB decoded chunk; lines are slices of it, as in the file reader.
      const chunk = Array.from({ length: 5000 }, (_, i) => `{"imageGcsUri":"gs://bucket/${c}/${'x'.repeat(150)}${i}.jpg","n":${i}}`).join('\n');
      let start = 0;
      for (let i = 0; i < 5000; i++) {
        const end = chunk.indexOf('\n', start);
        const line = chunk.slice(start, end < 0 ? undefined : end);
        start = end + 1;
        const v = cache.parse(line) ?? (cache.learn(line), JSON.parse(line));
        if (i % 100 === 0) kept.push((v as { imageGcsUri: string }).imageGcsUri);
      }
    }
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 1e6;
    assert.equal(kept.length, 2000);
    assert.ok(cache.learnedCount === 1);
    // 2,000 kept URIs of ~190 characters are under 1 MB; pinning their chunks would be ~40 MB.
    assert.ok(grown < 8, `heap grew ${grown.toFixed(1)} MB`);
  });

  it('gives the same diagnostics as JSON.parse on a file of one layout with bad lines among them', () => {
    const good = (i: number) => `{"imageGcsUri":"gs://bucket/img${i}.jpg","classificationAnnotation":{"displayName":"l${i % 3}"},"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"${i % 7 ? 'training' : 'TEST'}"}}`;
    const lines = Array.from({ length: 60 }, (_, i) => (i === 20 ? good(i).replace('img', 'i\\"mg') : i === 30 ? good(i).slice(0, -1) : i === 40 ? good(i).replace('gs://', 'http://') : good(i)));
    const shared = new JsonlLineValidator('image-classification-single-label');
    const together: Diagnostic[] = [];
    lines.forEach((l, i) => shared.validateLine(l, i + 1, together));
    // Each line validated by a new validator (an empty cache: JSON.parse only) gives the same findings.
    const alone: Diagnostic[] = [];
    lines.forEach((l, i) => new JsonlLineValidator('image-classification-single-label').validateLine(l, i + 1, alone));
    assert.deepEqual(together, alone);
    assert.ok(together.some((d) => d.code === 'mlUse.invalid' && d.line === 8));
    assert.ok(together.some((d) => d.code === 'jsonl.syntax' && d.line === 31));
    assert.ok(together.some((d) => d.line === 41 && d.code.startsWith('value.')));
  });
});
