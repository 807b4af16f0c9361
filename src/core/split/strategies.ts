import { allocate } from './fractions';
import { hashIndex, unit } from './prng';
import type { ItemTable } from './table';

/**
 * Split strategies over an ItemTable. Each returns one bucket per item: a split index (into the
 * format's splits) or, for the k-fold strategies, a fold index. All of them are pure functions of
 * the table (whose ranks come from the seed), so the same input and seed give the same result.
 */

/** Bucket for a uniform draw `u` in [0, 1) given the remaining quotas (exact counts in the end). */
function pick(u: number, q: Float64Array, remaining: number): number {
  const x = u * remaining;
  let acc = 0;
  let b = 0;
  for (; b < q.length - 1; b++) {
    acc += q[b];
    if (x < acc) break;
  }
  while (q[b] === 0) b = (b + 1) % q.length;
  q[b]--;
  return b;
}

/**
 * Exact-count random assignment: item i (in the given order) goes to bucket b with probability
 * quota[b] / remaining. Every bucket ends with exactly its quota; memory O(buckets).
 */
function sequentialAssign(order: ArrayLike<number> | null, n: number, rank: Uint32Array, quotas: number[], out: Uint8Array): void {
  const q = Float64Array.from(quotas);
  for (let j = 0; j < n; j++) {
    const i = order ? order[j] : j;
    out[i] = pick(unit(rank[i]), q, n - j);
  }
}

/**
 * The same exact-count assignment as `randomSplit` on items without keys (item i's rank is
 * hashIndex(seed, i)), one item at a time: a random split or k-fold of a tabular file needs no
 * per-item memory at all.
 */
export class StreamingAssigner {
  private readonly q: Float64Array;
  private i = 0;
  constructor(
    private readonly seed: number,
    private readonly n: number,
    quotas: number[],
  ) {
    this.q = Float64Array.from(quotas);
  }
  next(): number {
    const i = this.i++;
    return pick(unit(hashIndex(this.seed, i)), this.q, this.n - i);
  }
}

function allIndexes(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export function randomSplit(t: ItemTable, fractions: readonly number[]): Uint8Array {
  const out = new Uint8Array(t.count);
  sequentialAssign(null, t.count, t.rank, allocate(t.count, fractions), out);
  return out;
}

/** Equal-size folds, randomly: fold index per item. */
export function kfoldSplit(t: ItemTable, k: number): Uint8Array {
  return randomSplit(t, new Array<number>(k).fill(1 / k));
}

/**
 * Iterative stratification (Sechidis, Tsoumakas & Vlahavas, 2011): labels are processed rarest
 * first; each item carrying the label goes to the bucket that still wants the most of that label
 * (ties: the bucket that wants the most items overall, then a seeded coin). For single-label data
 * this puts every label within one item of its target in every bucket. Unlabeled items fill the
 * remaining overall demand.
 */
const EPS = 1e-9;

/**
 * Sorts item indexes (ascending on entry) by (rank, index). Rank (32 bits) and position (up to 21
 * bits) pack exactly into one double, so a native typed-array sort does it without a comparator.
 */
function sortByRank(items: Int32Array, rank: Uint32Array): void {
  const n = items.length;
  if (n > 1 << 21) {
    items.set(Array.from(items).sort((a, b) => rank[a] - rank[b] || a - b));
    return;
  }
  const keys = new Float64Array(n);
  for (let j = 0; j < n; j++) keys[j] = rank[items[j]] * 2097152 + j;
  keys.sort();
  const copy = items.slice();
  for (let j = 0; j < n; j++) items[j] = copy[keys[j] % 2097152];
}

export function stratifiedSplit(t: ItemTable, fractions: readonly number[]): Uint8Array {
  const S = fractions.length;
  const L = t.labelNames.length;
  const n = t.count;
  const out = new Uint8Array(n);
  const assigned = new Uint8Array(n);
  // Inverted index label → items, items in seeded order.
  const perLabel = new Int32Array(L + 1);
  for (let p = 0; p < t.labelIds.length; p++) perLabel[t.labelIds[p] + 1]++;
  for (let l = 0; l < L; l++) perLabel[l + 1] += perLabel[l];
  const fill = perLabel.slice(0, L);
  const byLabel = new Int32Array(t.labelIds.length);
  for (let i = 0; i < n; i++) {
    for (let p = t.labelStart[i]; p < t.labelStart[i + 1]; p++) byLabel[fill[t.labelIds[p]]++] = i;
  }
  for (let l = 0; l < L; l++) sortByRank(byLabel.subarray(perLabel[l], perLabel[l + 1]), t.rank);
  const wantLabel = new Float64Array(L * S);
  const remainingPerLabel = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    const c = perLabel[l + 1] - perLabel[l];
    remainingPerLabel[l] = c;
    for (let s = 0; s < S; s++) wantLabel[l * S + s] = fractions[s] * c;
  }
  const want = Float64Array.from(fractions, (f) => f * n);
  const done = new Uint8Array(L);
  for (let step = 0; step < L; step++) {
    let l = -1;
    for (let m = 0; m < L; m++) {
      if (done[m]) continue;
      if (l === -1 || remainingPerLabel[m] < remainingPerLabel[l]) l = m;
    }
    done[l] = 1;
    for (let p = perLabel[l]; p < perLabel[l + 1]; p++) {
      const i = byLabel[p];
      if (assigned[i]) continue;
      // Most wanted for this label; ties: most wanted overall; then a seeded coin.
      const base = l * S;
      let best = 0;
      for (let s = 1; s < S; s++) {
        const d = wantLabel[base + s] - wantLabel[base + best];
        if (d > EPS) best = s;
        else if (d >= -EPS) {
          const dt = want[s] - want[best];
          if (dt > EPS || (dt >= -EPS && hashIndex(t.rank[i], s) > hashIndex(t.rank[i], best))) best = s;
        }
      }
      assigned[i] = 1;
      out[i] = best;
      want[best]--;
      for (let q = t.labelStart[i]; q < t.labelStart[i + 1]; q++) {
        const m = t.labelIds[q];
        wantLabel[m * S + best]--;
        remainingPerLabel[m]--;
      }
    }
  }
  // Unlabeled items: exact counts for what each bucket still wants.
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!assigned[i]) rest.push(i);
  if (rest.length > 0) {
    const quotas = quotasFromDemand(Array.from(want), rest.length);
    sequentialAssign(rest, rest.length, t.rank, quotas, out);
  }
  return out;
}

export function stratifiedKfoldSplit(t: ItemTable, k: number): Uint8Array {
  return stratifiedSplit(t, new Array<number>(k).fill(1 / k));
}

/** Whole quotas adding up to `total`, proportional to the positive part of each bucket's demand. */
function quotasFromDemand(demand: readonly number[], total: number): number[] {
  const pos = demand.map((d) => Math.max(0, d));
  const sum = pos.reduce((a, b) => a + b, 0);
  const fractions = sum > 0 ? pos.map((d) => d / sum) : demand.map(() => 1 / demand.length);
  return allocate(total, fractions);
}

/**
 * Keeps valid existing ml_use values and assigns only the other items, so that the overall
 * proportions come as close to the requested fractions as the kept items allow.
 */
export function manualSplit(t: ItemTable, fractions: readonly number[]): Uint8Array {
  const n = t.count;
  const out = new Uint8Array(n);
  const S = fractions.length;
  const kept = new Array<number>(S).fill(0);
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = t.existing[i];
    if (e >= 0 && e < S) {
      out[i] = e;
      kept[e]++;
    } else free.push(i);
  }
  const targets = allocate(n, fractions);
  const quotas = quotasFromDemand(targets.map((x, s) => x - kept[s]), free.length);
  sequentialAssign(free, free.length, t.rank, quotas, out);
  return out;
}

export interface TemporalOptions {
  fractions?: readonly number[];
  /** Cut-offs in ms since the epoch, ascending: one per boundary between consecutive splits. */
  cutoffs?: readonly number[];
}

/**
 * Oldest items to training, newest to test. With fractions the items are ordered by time (ties by
 * seeded rank) and cut by count; with cut-offs an item goes to the first split whose cut-off is
 * later than its time. Items must all have a time (the caller reports missing ones).
 */
export function temporalSplit(t: ItemTable, opts: TemporalOptions): Uint8Array {
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

/**
 * Group-aware: every group (items sharing a key) lands in one split. Groups are visited in seeded
 * order and each goes to the split furthest below its target item count.
 */
export function groupSplit(t: ItemTable, fractions: readonly number[]): Uint8Array {
  const n = t.count;
  const group = t.group;
  const gRank = t.groupRank;
  if (!group || !gRank) throw new Error('group split needs item groups');
  const G = t.groupCount;
  const size = new Int32Array(G);
  for (let i = 0; i < n; i++) size[group[i]]++;
  const order = Array.from(allIndexes(G)).sort((a, b) => gRank[a] - gRank[b] || a - b);
  const target = fractions.map((f) => f * n);
  const have = new Array<number>(fractions.length).fill(0);
  const gOut = new Uint8Array(G);
  for (const g of order) {
    let best = 0;
    for (let s = 1; s < fractions.length; s++) {
      if (target[s] - have[s] > target[best] - have[best] + 1e-9) best = s;
    }
    gOut[g] = best;
    have[best] += size[g];
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = gOut[group[i]];
  return out;
}
