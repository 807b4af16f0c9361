import * as assert from 'node:assert/strict';
import { LineCache, nonBlankLines } from '../../src/extension/lineCache';
import { validateJsonlText } from '../../src/core/jsonl/validate';
import type { ItemFacts } from '../../src/core/items';

/** The definition the fast scan must match: a line counts when it has a character above U+0020 that is not a Unicode space. */
function reference(text: string, lineCount: number): boolean[] {
  const spaces = /[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
  return text
    .split('\n')
    .slice(0, lineCount)
    .concat(new Array<string>(Math.max(0, lineCount - text.split('\n').length)).fill(''))
    .map((l) => [...l].some((ch) => ch.charCodeAt(0) > 32 && !spaces.test(ch)));
}

describe('LineCache: nonBlankLines', () => {
  const cases: { name: string; text: string }[] = [
    { name: 'empty text', text: '' },
    { name: 'items and blank lines', text: '{"a":1}\n\n  \n{"b":2}\n' },
    { name: 'CRLF line ends', text: '{"a":1}\r\n\r\n{"b":2}\r\n' },
    { name: 'tabs, NBSP and ideographic space only', text: '\t\u00a0\u3000\n x\n\u2003\n' },
    { name: 'control characters only', text: '\u0001\u001f\n\u0000x\n' },
    { name: 'no final line break', text: '\n\n{"c":3}' },
    { name: 'content after leading spaces', text: '    {"d":4}\n\u2028\u2029\n' },
  ];
  for (const { name, text } of cases) {
    it(name, () => {
      const lineCount = text.split('\n').length;
      assert.deepEqual(nonBlankLines(text, lineCount), reference(text, lineCount));
    });
  }
  it('stops at lineCount', () => {
    assert.deepEqual(nonBlankLines('a\nb\nc\n', 2), [true, true]);
  });
});

describe('LineCache: lines a lone CR joins on disk', () => {
  const line = (i: number, label: string) => JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: label } });
  it('count as one item without facts, as the command line reads the file; blank pieces count for nothing; the dropped facts are reported once', () => {
    // Editor lines: 0-1 joined (a, b), 2 alone (c), 3-5 joined (d, blank, e), 6 alone (f), then the empty last line.
    const lines = [line(0, 'a'), line(1, 'b'), line(2, 'c'), line(3, 'd'), '  ', line(5, 'e'), line(6, 'f'), ''];
    const text = lines.join('\n');
    const facts: ItemFacts[] = [];
    const r = validateJsonlText(text, { format: 'image-classification-single-label', onItem: (f) => facts.push(f) });
    const cache = new LineCache('image-classification-single-label', 1, lines.length, r.diagnostics, facts, text);
    cache.resetChanges();
    assert.equal(cache.items, 6);
    cache.joinLines([0, 3, 4]);
    assert.equal(cache.items, 4, 'a+b, c, d+blank+e, f (the file on disk has 4 lines with items)');
    const labels = (fs: ItemFacts[]) => fs.map((f) => f.annotations.map((a) => ('label' in a ? String(a.label) : '')).join()).sort();
    assert.deepEqual(labels(cache.itemFacts()), ['c', 'f']);
    const changes = cache.takeChanges(() => undefined);
    assert.deepEqual(labels(changes.removed), ['a', 'b', 'd', 'e']);
    cache.joinLines([0, 3, 4]);
    assert.equal(cache.items, 4, 'joining again changes nothing');
    assert.deepEqual(cache.takeChanges(() => undefined).removed, []);
  });
});
