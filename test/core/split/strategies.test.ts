import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { allocate } from '../../../src/core/split/fractions';
import { StreamingAssigner, orderByRank, randomSplit, stratifiedGeneral, stratifiedSplit, temporalSplit } from '../../../src/core/split/strategies';
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

/** The first temporal split (a full sort of the times and a binary search per item), as the reference. */
function referenceTemporal(t: ItemTable, opts: { fractions?: readonly number[]; cutoffs?: readonly number[] }): Uint8Array {
  const n = t.count;
  const time = t.time;
  if (!time) throw new Error('temporal split needs item times');
  const out = new Uint8Array(n);
  if (opts.cutoffs) {
    const c = opts.cutoffs;
    for (let i = 0; i < n; i++) {
      let s = 0;
      while (s < c.length && time[i] >= c[s]) s++;
      out[i] = s;
    }
    return out;
  }
  const fractions = opts.fractions ?? [0.8, 0.1, 0.1];
  // Position p in the order (time, then seeded rank, then index) goes to split splitAt(p). Only
  // items whose equal-time run straddles a boundary need that full order; the rest are placed by
  // a native numeric sort of the times and a binary search.
  const counts = allocate(n, fractions);
  const cum: number[] = [0];
  for (const c of counts) cum.push(cum[cum.length - 1] + c);
  const splitAt = (p: number): number => {
    let s = 0;
    while (s < counts.length - 1 && p >= cum[s + 1]) s++;
    return s;
  };
  const sorted = Float64Array.from(time).sort();
  /** First index whose time is >= x (strict: > x). */
  const bound = (x: number, strict: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x || (strict && sorted[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const ties = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const first = bound(time[i], false);
    const end = bound(time[i], true);
    if (splitAt(first) !== splitAt(end - 1)) {
      const group = ties.get(first);
      if (group) group.push(i);
      else ties.set(first, [i]);
    } else out[i] = splitAt(first);
  }
  for (const [first, group] of ties) {
    group.sort((a, b) => t.rank[a] - t.rank[b] || a - b);
    group.forEach((i, k) => (out[i] = splitAt(first + k)));
  }
  return out;
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

  it('stratifiedSplit on single-label tables (per-label sorts) = the general algorithm, bounds included', () => {
    const L = 7;
    const fractions = fc
      .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
      .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ rank: fc.oneof(fc.nat(5), fc.nat({ max: 0xffffffff })), label: fc.integer({ min: -1, max: L - 1 }) }), { minLength: 1, maxLength: 300 }),
        fc.oneof(fractions, fc.constant([0.2, 0.2, 0.2, 0.2, 0.2]), fc.constant([1, 0, 0])),
        (items, fr) => {
          // Some label ids may have no item at all: both paths must agree on those too.
          const t = tableOf(items.map((it) => ({ rank: it.rank, labels: it.label >= 0 ? [it.label] : [] })), L);
          const b1 = new Float64Array(L);
          const b2 = new Float64Array(L);
          assert.deepEqual(Array.from(stratifiedSplit(t, fr, b1)), Array.from(stratifiedGeneral(t, fr, b2)));
          assert.deepEqual(Array.from(b1), Array.from(b2));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('temporalSplit = the reference (full sort) on times with many ties', () => {
    const fractions = fc
      .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
      .map(([a, b, c]) => [a / (a + b + c), b / (a + b + c), c / (a + b + c)]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ rank: fc.oneof(fc.nat(3), fc.nat({ max: 0xffffffff })), time: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer()) }), { minLength: 1, maxLength: 300 }),
        fc.oneof(fractions, fc.constant<number[]>([1, 0, 0]), fc.constant<number[]>([0, 0, 1]), fc.constant<number[]>([0.5, 0.5])),
        (items, fr) => {
          const t = tableOf(items.map((it) => ({ rank: it.rank, labels: [] })), 0);
          t.time = Float64Array.from(items, (it) => it.time * 1000);
          assert.deepEqual(Array.from(temporalSplit(t, { fractions: fr })), Array.from(referenceTemporal(t, { fractions: fr })));
        },
      ),
      { numRuns: 500 },
    );
    // Large enough for the selection rounds (not just the small-range sort).
    const n = 5000;
    const t = tableOf(Array.from({ length: n }, (_, i) => ({ rank: (i * 2654435761) >>> 0, labels: [] })), 0);
    t.time = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 97) * 1000);
    assert.deepEqual(Array.from(temporalSplit(t, { fractions: [0.7, 0.2, 0.1] })), Array.from(referenceTemporal(t, { fractions: [0.7, 0.2, 0.1] })));
    t.time = Float64Array.from({ length: n }, (_, i) => i * ((i * 31) % 7));
    assert.deepEqual(Array.from(temporalSplit(t, { fractions: [0.8, 0.1, 0.1] })), Array.from(referenceTemporal(t, { fractions: [0.8, 0.1, 0.1] })));
  });

  it('the streaming assigner draws exactly what randomSplit assigns to unkeyed items', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.nat({ max: 0xffffffff }), fc.constantFrom([0.8, 0.1, 0.1], [0.5, 0.5, 0], [0.2, 0.2, 0.2, 0.2, 0.2]), (n, seed, fr) => {
        const t = tableOf(Array.from({ length: n }, (_, i) => ({ rank: hashIndex(seed, i), labels: [] })), 0);
        const expected = randomSplit(t, fr);
        const a = new StreamingAssigner(seed, n, allocate(n, fr));
        for (let i = 0; i < n; i++) assert.equal(a.next(), expected[i]);
      }),
      { numRuns: 200 },
    );
  });
});
