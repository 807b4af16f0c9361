// The file validator decodes each read chunk in pieces of whole lines (below V8's large-object
// size). Whatever falls on a piece boundary (a CR before its LF, a line longer than a piece,
// multi-byte characters, a last line without a line break), the file gives the result and the item
// facts of the same text validated in memory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateJsonlFile, validateJsonlText } from '../../../src/core/jsonl/validate';
import type { ItemFacts } from '../../../src/core/items';

const FORMAT = 'image-classification-single-label' as const;

function line(i: number, pad: number, label: string): string {
  return `{"imageGcsUri":"gs://bucket-${i % 5}/${'p'.repeat(pad)}/${i}.jpg","classificationAnnotation":{"displayName":"${label}"}}`;
}

const plain = (facts: ItemFacts[]) => facts.map((f) => ({ line: f.line, uri: f.mediaUri, anchor: { ...f.anchor }, labels: f.annotations }));

describe('JSONL file validation decodes chunks in pieces of whole lines', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-pieces-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the in-memory result for lines of every length around the piece size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            pad: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 100_000, max: 400_000 })),
            label: fc.constantFrom('cat', 'dög', 'ラベル', '😀', ''),
            crlf: fc.boolean(),
            blank: fc.boolean(),
            broken: fc.boolean(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.boolean(),
        async (lines, finalBreak) => {
          const text =
            lines
              .map((l, i) => (l.broken ? line(i, l.pad, l.label).slice(0, -2) : line(i, l.pad, l.label)) + (l.crlf ? '\r\n' : '\n') + (l.blank ? '\n' : ''))
              .join('')
              .replace(/\r?\n$/, '') + (finalBreak ? '\n' : '');
          const path = join(dir, 'f.jsonl');
          writeFileSync(path, text);
          const fromFile: ItemFacts[] = [];
          const fromText: ItemFacts[] = [];
          const a = await validateJsonlFile(path, { format: FORMAT, onItem: (f) => fromFile.push(f) });
          const b = validateJsonlText(text, { format: FORMAT, onItem: (f) => fromText.push(f) });
          assert.deepEqual(a.diagnostics, b.diagnostics);
          assert.equal(a.items, b.items);
          assert.deepEqual(plain(fromFile), plain(fromText));
          assert.equal(fromFile.length, lines.filter((l) => !l.broken).length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
