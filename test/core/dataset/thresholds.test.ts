// Dataset checks on each side of documented thresholds that the first round of tests left out.
import { strict as assert } from 'node:assert';
import { DatasetAccumulator, type DatasetOptions, type DatasetResult } from '../../../src/core/dataset';
import type { FormatId } from '../../../src/core/formats';
import type { ItemFacts } from '../../../src/core/items';
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
