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
 * Indexes 0..n-1 ordered by (rank, index): a stable two-pass radix sort on the 32-bit ranks,
 * linear in n (a comparison sort of ten million items takes seconds).
 */
export function orderByRank(rank: Uint32Array, n: number): Int32Array {
  const tmp = new Int32Array(n);
  const out = new Int32Array(n);
  const count = new Int32Array(65537);
  for (let i = 0; i < n; i++) count[(rank[i] & 0xffff) + 1]++;
  for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
  for (let i = 0; i < n; i++) tmp[count[rank[i] & 0xffff]++] = i;
  count.fill(0);
  for (let i = 0; i < n; i++) count[(rank[i] >>> 16) + 1]++;
  for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
  for (let k = 0; k < n; k++) {
    const i = tmp[k];
    out[count[rank[i] >>> 16]++] = i;
  }
  return out;
}

/** Min-heap of label ids keyed by (remaining items, id), with decrease-key. */
class LabelHeap {
  private readonly heap: Int32Array;
  private readonly at: Int32Array;
  private size: number;

  constructor(private readonly key: Int32Array) {
    const L = key.length;
    this.heap = new Int32Array(L);
    this.at = new Int32Array(L);
    this.size = L;
    for (let l = 0; l < L; l++) {
      this.heap[l] = l;
      this.at[l] = l;
    }
    for (let k = (L >> 1) - 1; k >= 0; k--) this.down(k);
  }

  private less(a: number, b: number): boolean {
    return this.key[a] < this.key[b] || (this.key[a] === this.key[b] && a < b);
  }

  private swap(x: number, y: number): void {
    const a = this.heap[x];
    const b = this.heap[y];
    this.heap[x] = b;
    this.heap[y] = a;
    this.at[b] = x;
    this.at[a] = y;
  }

  private down(k: number): void {
    for (;;) {
      const l = 2 * k + 1;
      if (l >= this.size) return;
      const m = l + 1 < this.size && this.less(this.heap[l + 1], this.heap[l]) ? l + 1 : l;
      if (!this.less(this.heap[m], this.heap[k])) return;
      this.swap(k, m);
      k = m;
    }
  }

  /** After key[id] decreased. */
  decreased(id: number): void {
    let k = this.at[id];
    if (k >= this.size) return;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(this.heap[k], this.heap[p])) return;
      this.swap(k, p);
      k = p;
    }
  }

  pop(): number {
    const top = this.heap[0];
    this.size--;
    if (this.size > 0) {
      this.swap(0, this.size);
      this.down(0);
    }
    return top;
  }
}

/**
 * Iterative stratification (see above). `bounds`, when given (one per label), receives the most
 * that label l can be off its target in any bucket, in items: 1, or E_l when more, where E_l is
 * the excess over their targets that l's items placed earlier (while rarer labels they also carry
 * were processed) already hold. Why: every bucket that gets one of l's remaining items wanted
 * the most of l at the time, so it ends less than one item over its target and, while any bucket
 * still wants more than one item, none of them ends over it; buckets over their target got only
 * earlier items, and the deficits add up to that excess. Single-label data has E_l = 0: every
 * label within one item of its target. Multi-label data cannot be promised that in general
 * (see the tests for a five-item file no assignment can stratify).
 */
export function stratifiedSplit(t: ItemTable, fractions: readonly number[], bounds?: Float64Array): Uint8Array {
  const S = fractions.length;
  const L = t.labelNames.length;
  const n = t.count;
  const out = new Uint8Array(n);
  // Items are visited label by label in seeded order; renumbering them in that order (position j)
  // makes every array access below sequential instead of a cache miss per item.
  const order = orderByRank(t.rank, n);
  const posStart = new Int32Array(n + 1);
  const posLabels = new Int32Array(t.labelIds.length);
  const posRank = new Uint32Array(n);
  for (let j = 0, q = 0; j < n; j++) {
    const i = order[j];
    posRank[j] = t.rank[i];
    for (let p = t.labelStart[i]; p < t.labelStart[i + 1]; p++) posLabels[q++] = t.labelIds[p];
    posStart[j + 1] = q;
  }
  const assigned = new Uint8Array(n);
  const posOut = new Uint8Array(n);
  // Inverted index label → positions, ascending (so in seeded order).
  const perLabel = new Int32Array(L + 1);
  for (let p = 0; p < posLabels.length; p++) perLabel[posLabels[p] + 1]++;
  for (let l = 0; l < L; l++) perLabel[l + 1] += perLabel[l];
  const fill = perLabel.slice(0, L);
  const byLabel = new Int32Array(posLabels.length);
  for (let j = 0; j < n; j++) {
    for (let p = posStart[j]; p < posStart[j + 1]; p++) byLabel[fill[posLabels[p]]++] = j;
  }
  const wantLabel = new Float64Array(L * S);
  const remainingPerLabel = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    const c = perLabel[l + 1] - perLabel[l];
    remainingPerLabel[l] = c;
    for (let s = 0; s < S; s++) wantLabel[l * S + s] = fractions[s] * c;
  }
  const want = Float64Array.from(fractions, (f) => f * n);
  const done = new Uint8Array(L);
  // Rarest first: the label with the fewest unassigned items (ties: the lower id).
  const heap = new LabelHeap(remainingPerLabel);
  const pre = new Float64Array(S);
  for (let step = 0; step < L; step++) {
    const l = heap.pop();
    done[l] = 1;
    const base = l * S;
    if (bounds) {
      pre.fill(0);
      for (let p = perLabel[l]; p < perLabel[l + 1]; p++) if (assigned[byLabel[p]]) pre[posOut[byLabel[p]]]++;
      let excess = 0;
      const total = perLabel[l + 1] - perLabel[l];
      for (let s = 0; s < S; s++) excess += Math.max(0, pre[s] - fractions[s] * total);
      bounds[l] = Math.max(1, excess);
    }
    for (let p = perLabel[l]; p < perLabel[l + 1]; p++) {
      const j = byLabel[p];
      if (assigned[j]) continue;
      // Most wanted for this label; ties: most wanted overall; then a seeded coin.
      let best = 0;
      for (let s = 1; s < S; s++) {
        const d = wantLabel[base + s] - wantLabel[base + best];
        if (d > EPS) best = s;
        else if (d >= -EPS) {
          const dt = want[s] - want[best];
          if (dt > EPS || (dt >= -EPS && hashIndex(posRank[j], s) > hashIndex(posRank[j], best))) best = s;
        }
      }
      assigned[j] = 1;
      posOut[j] = best;
      want[best]--;
      for (let q = posStart[j]; q < posStart[j + 1]; q++) {
        const m = posLabels[q];
        wantLabel[m * S + best]--;
        remainingPerLabel[m]--;
        if (!done[m]) heap.decreased(m);
      }
    }
  }
  for (let j = 0; j < n; j++) out[order[j]] = posOut[j];
  // Unlabeled items: exact counts for what each bucket still wants.
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (t.labelStart[i] === t.labelStart[i + 1]) rest.push(i);
  if (rest.length > 0) {
    const quotas = quotasFromDemand(Array.from(want), rest.length);
    sequentialAssign(rest, rest.length, t.rank, quotas, out);
  }
  return out;
}

export function stratifiedKfoldSplit(t: ItemTable, k: number, bounds?: Float64Array): Uint8Array {
  return stratifiedSplit(t, new Array<number>(k).fill(1 / k), bounds);
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
  const order = orderByRank(gRank, G);
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
