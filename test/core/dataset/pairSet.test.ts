// The accumulator's set of (URI, label) and (URI, row fingerprint) pairs answers as a set of
// pairs does, through growth and keys whose values move from a list to the table, for keys from 0
// and values over the whole 32-bit range (fingerprints are unsigned; label ids are small).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PairSet } from '../../../src/core/dataset/pairSet';

describe('PairSet', () => {
  it('adds and finds pairs as a set of pairs does (property)', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: -(2 ** 31), max: -1 }));
    fc.assert(
      // Few keys: long lists that move to the table; many keys: short lists.
      fc.property(fc.integer({ min: 0, max: 2000 }).chain((keys) => fc.array(fc.tuple(fc.integer({ min: 0, max: keys }), value), { maxLength: 3000, size: 'max' })), (pairs) => {
        const set = new PairSet();
        const model = new Set<string>();
        for (const [k, v] of pairs) {
          const id = `${k},${v | 0}`;
          assert.equal(set.has(k, v), model.has(id));
          assert.equal(set.add(k, v), !model.has(id), `add ${id}`);
          model.add(id);
          assert.equal(set.has(k, v), true);
        }
        for (const [k, v] of pairs) assert.equal(set.has(k + 1, v), model.has(`${k + 1},${v | 0}`));
      }),
      { numRuns: 100 },
    );
  });

  it('an unsigned fingerprint and its signed 32-bit twin are one value; neighbours are not', () => {
    const set = new PairSet();
    assert.equal(set.add(7, 0xfffffffe), true);
    assert.equal(set.add(7, -2), false);
    assert.equal(set.has(7, 0xfffffffe), true);
    assert.equal(set.has(6, 0xfffffffe), false);
    assert.equal(set.has(7, 0xfffffffd), false);
    assert.equal(set.add(0, 0), true);
    assert.equal(set.has(0, 0), true);
    assert.equal(set.has(0, 1), false);
  });
});
