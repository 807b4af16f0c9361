// quickSpan finds a finding's range with one scan instead of a tree: on any line JSON.parse
// accepts, and any path (found, partly found, or through the wrong kind of value), it must give
// exactly the range the tree lookup gives.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lineTree, quickSpan, spanAt } from '../../../src/core/jsonl/positions';
import type { JsonPath } from '../../../src/core/jsonl/rules';

type Doc = { kind: 'obj'; members: [string, Doc][] } | { kind: 'arr'; items: Doc[] } | { kind: 'raw'; text: string };

const key = fc.constantFrom('a', 'b', 'imageGcsUri', '__proto__', '', 'é', 'say "q"', 'x\\y', '0');
const scalar = fc.oneof(
  fc.string({ maxLength: 5 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a\\"b"', '"\\\\"', '"\\u0061"', '"]}"', '"{["', '"\\\\\\""'),
  fc.constantFrom('0', '-1.5e3', '12', 'true', 'false', 'null', '1E+2'),
);
const { doc } = fc.letrec<{ doc: Doc }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small' },
    scalar.map((text): Doc => ({ kind: 'raw', text })),
    fc.array(tie('doc'), { maxLength: 3 }).map((items): Doc => ({ kind: 'arr', items })),
    fc.array(fc.tuple(key, tie('doc')), { maxLength: 4 }).map((members): Doc => ({ kind: 'obj', members })),
  ),
}));

function write(d: Doc, ws: () => string, escapeKey: () => boolean): string {
  switch (d.kind) {
    case 'raw':
      return d.text;
    case 'arr':
      return `[${ws()}${d.items.map((x) => write(x, ws, escapeKey)).join(`${ws()},${ws()}`)}${ws()}]`;
    case 'obj':
      return `{${ws()}${d.members
        .map(([k, v]) => `${escapeKey() ? JSON.stringify(k).replace(/[a-z]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : JSON.stringify(k)}${ws()}:${ws()}${write(v, ws, escapeKey)}`)
        .join(`,${ws()}`)}${ws()}}`;
  }
}

/** Paths that exist in the document, each also with a missing or mistyped step added. */
function paths(d: Doc, prefix: JsonPath, out: JsonPath[]): JsonPath[] {
  out.push(prefix, [...prefix, 'missing'], [...prefix, 0], [...prefix, 5]);
  if (d.kind === 'obj') for (const [k, v] of d.members) paths(v, [...prefix, k], out);
  if (d.kind === 'arr') d.items.forEach((x, i) => paths(x, [...prefix, i], out));
  return out;
}

describe('quickSpan gives the tree lookup’s range', () => {
  it('on every path of generated lines, for key, value and object targets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, doc), { maxLength: 5 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (members, picks) => {
        let i = 0;
        const pick = () => picks[i++ % picks.length];
        const root: Doc = { kind: 'obj', members };
        const text = (pick() % 2 ? ' ' : '') + write(root, () => [' ', '', '', '\t'][pick() % 4], () => pick() % 5 === 0) + (pick() % 3 ? '' : '  ');
        JSON.parse(text);
        const tree = lineTree(text);
        for (const path of paths(root, [], [])) {
          for (const target of ['key', 'value', 'object'] as const) {
            assert.deepEqual(quickSpan(text, path, target), spanAt(tree, text, path, target), `${text} ${JSON.stringify(path)} ${target}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('leaves deeply nested lines to the tree path', () => {
    const deep = '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + ',"b":1}';
    assert.equal(quickSpan(deep, ['b'], 'value'), undefined);
    assert.deepEqual(quickSpan('{"a":[[[1]]],"b":1}', ['b'], 'value'), { start: 17, end: 18 });
  });
});
