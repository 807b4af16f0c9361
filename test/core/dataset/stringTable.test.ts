import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { StringTable } from '../../../src/core/dataset/stringTable';

describe('string table', () => {
  it('behaves like a Map for get and set, through growth, with any strings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }), fc.integer()), { maxLength: 400 }), (ops) => {
        const table = new StringTable<number>();
        const model = new Map<string, number>();
        for (const [k, v] of ops) {
          assert.equal(table.get(k), model.get(k));
          table.set(k, v);
          model.set(k, v);
          assert.equal(table.size, model.size);
        }
        for (const [k, v] of model) assert.equal(table.get(('#' + k).slice(1)), v, 'a key equal in content, another string object');
      }),
      { numRuns: 300 },
    );
    const table = new StringTable<number>();
    for (let i = 0; i < 50_000; i++) table.set(`label_${i}`, i);
    for (let i = 0; i < 50_000; i += 7) assert.equal(table.get(`label_${i}`), i);
    assert.equal(table.get('label_50000'), undefined);
    assert.equal(table.size, 50_000);
  });
});
