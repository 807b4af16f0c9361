import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { orderByRank, stratifiedSplit } from '../../../src/core/split/strategies';
import { hashIndex } from '../../../src/core/split/prng';
import type { ItemTable } from '../../../src/core/split/table';

/**
 * The first iterative stratification (per-label comparison sorts, a linear scan for the rarest
 * label), kept as the reference for the labeled items: the faster one must decide the same.
 */
function referenceLabeled(t: ItemTable, fractions: readonly number[]): { out: Uint8Array; assigned: Uint8Array } {
  const S = fractions.length;
  const L = t.labelNames.length;
  const n = t.count;
  const out = new Uint8Array(n);
  const assigned = new Uint8Array(n);
  const lists: number[][] = Array.from({ length: L }, () => []);
  for (let i = 0; i < n; i++) for (let p = t.labelStart[i]; p < t.labelStart[i + 1]; p++) lists[t.labelIds[p]].push(i);
  for (const list of lists) list.sort((a, b) => t.rank[a] - t.rank[b] || a - b);
  const wantLabel = lists.flatMap((list) => fractions.map((f) => f * list.length));
  const remaining = lists.map((list) => list.length);
  const want = fractions.map((f) => f * n);
  const done = new Array<boolean>(L).fill(false);
  for (let step = 0; step < L; step++) {
    let l = -1;
    for (let m = 0; m < L; m++) if (!done[m] && (l === -1 || remaining[m] < remaining[l])) l = m;
    done[l] = true;
    for (const i of lists[l]) {
      if (assigned[i]) continue;
      let best = 0;
      for (let s = 1; s < S; s++) {
        const d = wantLabel[l * S + s] - wantLabel[l * S + best];
        if (d > 1e-9) best = s;
        else if (d >= -1e-9) {
          const dt = want[s] - want[best];
          if (dt > 1e-9 || (dt >= -1e-9 && hashIndex(t.rank[i], s) > hashIndex(t.rank[i], best))) best = s;
        }
      }
      assigned[i] = 1;
      out[i] = best;
      want[best]--;
      for (let q = t.labelStart[i]; q < t.labelStart[i + 1]; q++) {
        wantLabel[t.labelIds[q] * S + best]--;
        remaining[t.labelIds[q]]--;
      }
    }
  }
  return { out, assigned };
}

function tableOf(items: { rank: number; labels: number[] }[], L: number): ItemTable {
  const labelStart = new Int32Array(items.length + 1);
  const ids: number[] = [];
  items.forEach((it, i) => {
    ids.push(...it.labels);
    labelStart[i + 1] = ids.length;
  });
  return {
    count: items.length,
    rank: Uint32Array.from(items.map((it) => it.rank)),
    labelStart,
    labelIds: Int32Array.from(ids),
    labelNames: Array.from({ length: L }, (_, l) => `l${l}`),
    existing: new Int8Array(items.length).fill(-1),
    groupCount: 0,
    firstRecord: Int32Array.from(items.map((_, i) => i)),
  };
}

describe('split strategies: faster implementations decide the same', () => {
  it('orderByRank = sort by (rank, index)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(3), fc.constantFrom(0, 65535, 65536, 0xffffffff), fc.nat({ max: 0xffffffff })), { maxLength: 300 }), (ranks) => {
        const rank = Uint32Array.from(ranks);
        const expected = ranks.map((_, i) => i).sort((a, b) => rank[a] - rank[b] || a - b);
        assert.deepEqual(Array.from(orderByRank(rank, rank.length)), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('stratifiedSplit = the reference iterative stratification on labeled items', () => {
    const L = 6;
    const item = fc.record({
      rank: fc.oneof(fc.nat(5), fc.nat({ max: 0xffffffff })),
      labels: fc.uniqueArray(fc.nat(L - 1), { maxLength: 4 }),
    });
    const fractions = fc
      .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
      .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)]);
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 200 }), fc.oneof(fractions, fc.constant([0.2, 0.2, 0.2, 0.2, 0.2])), (items, fr) => {
        // Every label id used at least once, as in tables built from files.
        const used = new Set(items.flatMap((it) => it.labels));
        const remap = new Map([...used].sort((a, b) => a - b).map((l, k) => [l, k]));
        const t = tableOf(items.map((it) => ({ rank: it.rank, labels: it.labels.map((l) => remap.get(l)!) })), used.size);
        const ref = referenceLabeled(t, fr);
        const out = stratifiedSplit(t, fr, new Float64Array(used.size));
        for (let i = 0; i < t.count; i++) if (ref.assigned[i]) assert.equal(out[i], ref.out[i], `item ${i}`);
      }),
      { numRuns: 400 },
    );
  });
});
