// Dataset checks on each side of documented thresholds that the first round of tests left out.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetAccumulator, type DatasetOptions, type DatasetResult } from '../../../src/core/dataset';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
import { cli } from '../support/cli';
import { cls, item, only } from './helpers';

function run(format: FormatId, items: Iterable<ItemFacts>, options?: DatasetOptions, file?: string): DatasetResult {
  const acc = new DatasetAccumulator(format, options);
  for (const it of items) acc.add(it, file);
  return acc.finish();
}

/** Inline documents: `counts[label]` of each, one text per document, lines from 1. */
function* documents(counts: Record<string, number>): Generator<ItemFacts> {
  let line = 1;
  for (const [label, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      const it = item(line++, undefined, [cls(label)], undefined, 12);
      it.textContent = `${label} document ${i}`;
      yield it;
    }
  }
}

describe('dataset thresholds: text classification imbalance (DOC-TXT-CLS: at most 100x)', () => {
  for (const format of ['text-classification-single-label', 'text-classification-multi-label'] as const) {
    it(`${format}: 1,000 vs 10 documents pass, 1,001 vs 10 warn on the rare label (error with strict)`, () => {
      let r = run(format, documents({ common: 1000, rare: 10 }));
      assert.equal(only(r.diagnostics, 'label.imbalance').length, 0);
      r = run(format, documents({ common: 1001, rare: 10 }));
      const f = only(r.diagnostics, 'label.imbalance');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'warning');
      assert.equal(f[0].line, 1002, 'first line of the rare label');
      assert.match(f[0].message, /"rare" is on 10 documents and "common" on 1,001: 100\.1× more; keep the most\/least frequent ratio at most 100× \(DOC-TXT-CLS\)/);
      r = run(format, documents({ common: 1001, rare: 10 }), { strict: true });
      assert.equal(only(r.diagnostics, 'label.imbalance')[0].severity, 'error');
    });
  }
});

describe('dataset messages and stats with huge or look-alike labels', () => {
  it('a 5,000-character label is cut short in messages; data.label keeps it whole', () => {
    const long = 'x'.repeat(4998) + '😀';
    const r = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls(long)]), item(2, 'gs://b/2.jpg', [cls(long)])]);
    const f = only(r.diagnostics, 'label.tooFewItems');
    assert.equal(f.length, 1);
    assert.ok(f[0].message.length < 300, `message of ${f[0].message.length} characters`);
    assert.match(f[0].message, /^Label "x{79}…" \(4,999 characters\) is on 2 images;/);
    assert.equal(f[0].data?.label, long);
    assert.match(f[0].related?.[0].message ?? '', /^also uses "x{79}…" \(4,999 characters\)$/);
    // A label of exactly 80 characters is quoted whole; a surrogate pair is never cut in half.
    const r80 = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls('y'.repeat(80))])]);
    assert.match(only(r80.diagnostics, 'label.tooFewItems')[0].message, /^Label "y{80}" is on 1 image;/);
    const pair = 'z'.repeat(78) + '😀' + 'z';
    const rp = run('image-classification-single-label', [item(1, 'gs://b/1.jpg', [cls(pair)])]);
    assert.match(only(rp.diagnostics, 'label.tooFewItems')[0].message, /^Label "z{78}…" \(80 characters\)/);
  });
});

describe('stats text: label column', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-thresholds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a 5,000-character label is cut to 60 characters; "cat " is quoted so that it differs from "cat"', async () => {
    const lines = [
      { imageGcsUri: 'gs://pets/1.jpg', classificationAnnotation: { displayName: 'cat' } },
      { imageGcsUri: 'gs://pets/2.jpg', classificationAnnotation: { displayName: 'cat ' } },
      { imageGcsUri: 'gs://pets/3.jpg', classificationAnnotation: { displayName: 'x'.repeat(5000) } },
    ];
    const file = join(dir, 'labels.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await cli(['stats', file]);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.split('\n');
    assert.ok(Math.max(...rows.map((l) => l.length)) < 140, 'no row is widened by the long label');
    assert.ok(rows.some((l) => /^ {2}x{59}… +1 +1 +0 +0 +0 +1$/.test(l)), r.out);
    assert.ok(rows.some((l) => /^ {2}"cat " +1 /.test(l)), r.out);
    assert.ok(rows.some((l) => /^ {2}cat +1 /.test(l)), r.out);
    const json = JSON.parse((await cli(['stats', '--output', 'json', file])).out) as { datasets: { labels: { name: string }[] }[] };
    assert.ok(json.datasets[0].labels.some((l) => l.name === 'x'.repeat(5000)), 'JSON keeps the whole label');
  });
});
