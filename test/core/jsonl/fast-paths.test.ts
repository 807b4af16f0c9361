// The validator's fast paths (duplicate-key proof, cached URI checks, precompiled schemas) must
// never change a verdict: each is compared with the exact check on generated input.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { duplicateKeys } from '../../../src/core/jsonl/positions';
import { JsonlLineValidator } from '../../../src/core/jsonl/validate';
import { ItemChecker, type Finding } from '../../../src/core/jsonl/rules';
import { codePointLength, gcsUriProblem, gcsUriProblemExact, mediaTypeProblem } from '../../../src/core/rules/values';

type Doc = { kind: 'obj'; members: [string, Doc][] } | { kind: 'arr'; items: Doc[] } | { kind: 'str'; v: string } | { kind: 'num'; v: number } | { kind: 'lit'; v: string };

const key = fc.constantFrom('a', 'b', 'ab', 'imageGcsUri', '__proto__', '', 'é', '"q"', '0', '10');
const str = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('gs://b-b/x.jpg', 'a\\b', '\n', '\u2028'));
const num = fc.oneof(fc.integer({ min: -2000, max: 200000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 0.5, 0.05, 0.005, 1000, 1e21, 1e-7, 123000, 1.2345678901234567e20, 2 ** 53 + 2, 1e300));
const { doc } = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small' },
    str.map((v): Doc => ({ kind: 'str', v })),
    num.map((v): Doc => ({ kind: 'num', v })),
    fc.constantFrom('true', 'false', 'null').map((v): Doc => ({ kind: 'lit', v })),
    fc.array(tie('doc'), { maxLength: 3 }).map((items): Doc => ({ kind: 'arr', items })),
    fc.array(fc.tuple(key, tie('doc')), { maxLength: 4 }).map((members): Doc => ({ kind: 'obj', members })),
  ),
}));

/**
 * Writes a JSON text for the document, choosing spacing, escapes and number spellings from
 * `choice`. Compact texts have no spaces or escapes: the length proof applies to them.
 */
function write(d: Doc, choice: () => number, compact: boolean): string {
  const ws = () => (compact ? '' : [' ', '', '', '', '\t'][choice() % 5]);
  const s = (v: string) => (!compact && choice() % 3 === 0 ? JSON.stringify(v).replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(v));
  switch (d.kind) {
    case 'str':
      return s(d.v);
    case 'lit':
      return d.v;
    case 'num': {
      // Integer-mantissa exponents are the shortest spellings: 1.25e+20 as 125e18.
      const intMantissa = d.v.toExponential().replace(/^(-?)(\d)\.?(\d*)e([+-]\d+)$/, (_m, sign: string, a: string, b: string, e: string) => `${sign}${a}${b}e${Number(e) - b.length}`);
      const forms = [JSON.stringify(d.v), d.v.toExponential(), d.v.toExponential().replace('e+', 'E'), intMantissa, Number.isInteger(d.v) && !String(d.v).includes('e') ? `${d.v}.000` : JSON.stringify(d.v)];
      return forms[choice() % forms.length];
    }
    case 'arr':
      return `[${ws()}${d.items.map((x) => write(x, choice, compact)).join(`${ws()},${ws()}`)}${ws()}]`;
    case 'obj':
      return `{${ws()}${d.members.map(([k, v]) => `${s(k)}${ws()}:${ws()}${write(v, choice, compact)}`).join(`,${ws()}`)}${ws()}}`;
  }
}

describe('validator fast paths agree with the exact checks', () => {
  it('duplicate keys: every line with a repeated key gets exactly the duplicates the exact scan finds', () => {
    const validator = new JsonlLineValidator('custom', {});
    fc.assert(
      fc.property(fc.array(fc.tuple(key, doc), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (members, picks) => {
        let i = 0;
        const choice = () => picks[i++ % picks.length];
        const text = write({ kind: 'obj', members }, choice, picks[0] % 2 === 0);
        JSON.parse(text);
        const out: Diagnostic[] = [];
        validator.validateLine(text, 1, out);
        const reported = out.filter((d) => d.code === 'jsonl.duplicateKey').map((d) => [d.column, d.endColumn]);
        const exact = duplicateKeys(text).map((d) => [d.span.start + 1, d.span.end + 1]);
        assert.deepEqual(reported, exact, text);
      }),
      { numRuns: 3000 },
    );
  });

  it('duplicate keys hidden behind short spellings are still found', () => {
    const validator = new JsonlLineValidator('custom', {});
    for (const text of ['{"x":1E5,"a":0,"a":0}', '{"x":1e21,"a":1,"a":1}', '{"x":0.00001,"a":1,"a":1}', '{"x":1e999,"a":1,"a":1}', '{"a":"\\u0061","a":"a"}', '{"a":[1000,1e3],"a":1}', '{"x":12345678901234567e4,"a":1,"a":1}']) {
      const out: Diagnostic[] = [];
      validator.validateLine(text, 1, out);
      assert.equal(out.filter((d) => d.code === 'jsonl.duplicateKey').length, 1, text);
    }
  });

  it('Cloud Storage URIs: the cached verdict equals the exact one, in any order', () => {
    const bucket = fc.constantFrom('bkt', 'cloud-samples-data', 'a.b.c', 'Bad', 'goog-x', 'ab', '1.2.3.4', 'x_y-z');
    const object = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('.', '..', 'a/', 'dir/x.jpg', 'x*.jpg', 'a?b', '[1].png', 'a\nb', 'é.png', 'x'.repeat(400), 'é'.repeat(400), 'é'.repeat(600), 'ab', 'abc', '/x.jpg', 'a//b.jpg', './a.jpg', 'a/./b', 'a/../b.jpg', '../a', 'a/..', '.hidden.jpg', 'a/.b.jpg', 'a/..b'),
    );
    const uri = fc.oneof(
      fc.tuple(bucket, object).map(([b, o]) => `gs://${b}/${o}`),
      bucket.map((b) => `gs://${b}`),
      fc.constantFrom('', 'gs:/', 'GS://bkt/a.jpg', 'https://storage.googleapis.com/bkt/a.jpg', 'gs://bkt//', 'gs:///a'),
    );
    fc.assert(
      fc.property(fc.array(uri, { minLength: 1, maxLength: 20 }), (uris) => {
        for (const u of uris) assert.deepEqual(gcsUriProblem(u, 'image URI'), gcsUriProblemExact(u, 'image URI'), u);
      }),
      { numRuns: 2000 },
    );
    // The item checker remembers the bucket and extension of the last good URI.
    const checker = new ItemChecker('image-classification-single-label');
    const withExt = fc.tuple(uri, fc.constantFrom('', '.jpg', '.JPG', '.png', '.txt', '.jpg/', '/.jpg', 'x.jpg', '//x.jpg', '/./x.jpg', '/../x.jpg'));
    fc.assert(
      fc.property(fc.array(withExt, { minLength: 1, maxLength: 20 }), (pairs) => {
        for (const [base, ext] of pairs) {
          const u = base + ext;
          const out: Finding[] = [];
          checker.check({ imageGcsUri: u }, out, undefined);
          const p = gcsUriProblemExact(u, 'image URI') ?? mediaTypeProblem(u, 'image');
          assert.deepEqual(out.map((f) => [f.code, f.message]), p ? [[p.code, p.message]] : [], u);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('code point length', () => {
  // The reference: every UTF-16 unit but high surrogates counts (a pair is one code point; a lone high surrogate adds nothing).
  const reference = (s: string) => {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xd800 || c > 0xdbff) n++;
    }
    return n;
  };

  it('equals the per-unit count on any string: ASCII, Latin-1, pairs, lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '\u00ff', '\u4e2d', '\ud83d\ude00', '\ud800', '\udbff', '\udc00', '\udfff', '\ud7ff', '\ue000') }), (s) => {
        assert.equal(codePointLength(s), reference(s));
      }),
      { numRuns: 2000 },
    );
    assert.equal(codePointLength(''), 0);
    assert.equal(codePointLength('x'.repeat(100_000) + '\ud83d\ude00'), 100_001);
  });
});
