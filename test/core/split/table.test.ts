import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ItemCollector } from '../../../src/core/split/table';

describe('split item collector: labels per item', () => {
  it('labels per item are each item label once, in first-seen order, whatever order the records come in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), labels: fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }) }), { maxLength: 40 }),
        (records) => {
          const c = new ItemCollector(1, { labels: true, time: false, groups: false });
          // The expected table, item by item in order of first appearance.
          const itemOf = new Map<number, number>();
          const expected: string[][] = [];
          for (const r of records) {
            c.add({ itemKey: r.key === undefined ? undefined : `k${r.key}`, labels: r.labels });
            let item: number;
            if (r.key === undefined || !itemOf.has(r.key)) {
              item = expected.length;
              expected.push([]);
              if (r.key !== undefined) itemOf.set(r.key, item);
            } else item = itemOf.get(r.key)!;
            for (const l of r.labels) if (!expected[item].includes(l)) expected[item].push(l);
          }
          const t = c.finish();
          assert.equal(t.count, expected.length);
          const got = Array.from({ length: t.count }, (_, i) => Array.from(t.labelIds.subarray(t.labelStart[i], t.labelStart[i + 1]), (id) => t.labelNames[id]));
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
