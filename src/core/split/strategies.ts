import { allocate } from './fractions';
import { fmix32, hashIndex, unit } from './prng';
import { rankMix, rankOf, singleLabels } from './table';
import type { ItemTable } from './table';
import type { DictTimes, SecondTimes } from './times';

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
  /** The seed's part of hashIndex(seed, i), computed once. */
  private readonly seedMix: number;
  constructor(
    seed: number,
    private readonly n: number,
    quotas: number[],
  ) {
    this.q = Float64Array.from(quotas);
    this.seedMix = Math.imul(seed >>> 0, 0x9e3779b1);
  }
  /** Fills `out` with the next buckets (fewer at the end); returns how many. */
  fill(out: Uint8Array): number {
    const count = Math.min(out.length, this.n - this.i);
    for (let k = 0; k < count; k++) out[k] = this.next();
    return count;
  }

  /** pick(unit(hashIndex(seed, i)), q, n - i), written out: this runs once per row of a large file. */
  next(): number {
    const i = this.i++;
    const high = i < 4294967296 ? 0 : Math.floor(i / 4294967296);
    const h = fmix32((this.seedMix ^ fmix32((i >>> 0) ^ 0x5bd1e995) ^ high) >>> 0);
    return pick(h / 4294967296, this.q, this.n - i);
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
 * Indexes 0..n-1 ordered by (rank, index): a stable LSD radix sort on the 32-bit ranks (three
 * 11-bit passes: small bucket tables keep the scattered writes in cache), linear in n where a
 * comparison sort of ten million items takes seconds. `payload` (one value per index) is
 * reordered along; the sorted ranks are returned too.
 */
export function sortByRank(
  rank: Uint32Array,
  n: number,
  payload?: Int32Array,
): { order: Int32Array; ranks: Uint32Array; payload?: Int32Array } {
  // Three 11-bit digits: one pass fewer than bytes, and 2048 counters still stay in cache. The
  // counts of all three digits are taken in one read of the ranks.
  const counts = [new Int32Array(2048), new Int32Array(2048), new Int32Array(2048)];
  const [c0, c1, c2] = counts;
  for (let i = 0; i < n; i++) {
    const k = rank[i];
    c0[k & 2047]++;
    c1[(k >>> 11) & 2047]++;
    c2[k >>> 22]++;
  }
  // The first pass that moves anything reads the caller's arrays (identity order); later passes
  // alternate between two sets of our own.
  let idx: Int32Array | null = null;
  let key: Uint32Array = rank;
  let pay: Int32Array | undefined = payload;
  let idx2: Int32Array = new Int32Array(n);
  let key2: Uint32Array = new Uint32Array(n);
  let pay2: Int32Array | undefined = payload ? new Int32Array(n) : undefined;
  for (let d = 0; d < 3; d++) {
    const shift = 11 * d;
    const count = counts[d];
    // Every rank with the same digit: nothing moves.
    if (n > 0 && count[(key[0] >>> shift) & 2047] === n) continue;
    for (let b = 0, sum = 0; b < 2048; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    if (idx === null) {
      if (pay) {
        for (let i = 0; i < n; i++) {
          const k = key[i];
          const to = count[(k >>> shift) & 2047]++;
          key2[to] = k;
          idx2[to] = i;
          pay2![to] = pay[i];
        }
      } else {
        for (let i = 0; i < n; i++) {
          const k = key[i];
          const to = count[(k >>> shift) & 2047]++;
          key2[to] = k;
          idx2[to] = i;
        }
      }
      idx = idx2;
      key = key2;
      pay = pay2;
      idx2 = new Int32Array(n);
      key2 = new Uint32Array(n);
      pay2 = payload ? new Int32Array(n) : undefined;
    } else {
      if (pay) {
        for (let i = 0; i < n; i++) {
          const k = key[i];
          const to = count[(k >>> shift) & 2047]++;
          key2[to] = k;
          idx2[to] = idx[i];
          pay2![to] = pay[i];
        }
      } else {
        for (let i = 0; i < n; i++) {
          const k = key[i];
          const to = count[(k >>> shift) & 2047]++;
          key2[to] = k;
          idx2[to] = idx[i];
        }
      }
      [idx, idx2] = [idx2, idx];
      [key, key2] = [key2, key];
      if (pay) [pay, pay2] = [pay2!, pay];
    }
  }
  if (idx === null) {
    // Every rank equal: the identity order.
    idx = idx2;
    for (let i = 0; i < n; i++) idx[i] = i;
    key = rank.slice(0, n);
    pay = payload?.slice(0, n);
  }
  return { order: idx, ranks: key, payload: pay };
}

export function orderByRank(rank: Uint32Array, n: number): Int32Array {
  return n === 0 ? new Int32Array(0) : sortByRank(rank, n).order;
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
 * (see the tests for a five-item file no assignment can stratify). When no item has more than one
 * label, stratifiedSingle decides instead: the same promise (every bound 1), kept by fixing each
 * label's count per bucket first and then drawing which of its items go where.
 */
export function stratifiedSplit(t: ItemTable, fractions: readonly number[], bounds?: Float64Array, kernel?: StratifyKernel, tally?: Tally): Uint8Array {
  const n = t.count;
  if (t.itemLabel === undefined) {
    const ls = t.labelStart;
    for (let i = 0; i < n; i++) if (ls[i + 1] - ls[i] > 1) return stratifiedGeneral(t, fractions, bounds);
  }
  return stratifiedSingle(t, fractions, bounds, kernel, tally);
}

/**
 * Items per label per bucket, counted by a strategy that visits every item with its label and
 * bucket anyway (single-label stratification) or knows them (group and temporal splits of items
 * without labels), so that the report need not read every item again: counts[b] the unlabeled
 * items in bucket b, counts[(l + 1) * buckets + b] label l's.
 */
export interface Tally {
  counts?: Float64Array;
}

/**
 * The loops of stratifiedSingle over every item done elsewhere (in WebAssembly: split.c
 * `labelCount` and `labelPlace`), with the same results. `count` gives the items per label (slot
 * l + 1 for label l, 0 for none), or null when it cannot (the JavaScript loops run instead);
 * `place` draws every labeled item's bucket as stratifiedSingle's loop does, lowering q and left
 * as it goes, or returns false when it cannot.
 */
export interface StratifyKernel {
  count(labels: Int16Array | Int32Array, L: number): Int32Array | null;
  place(labels: Int16Array | Int32Array, rank: Uint32Array | undefined, seed: number, q: Int32Array, left: Int32Array, buckets: number, out: Uint8Array): boolean;
}

/**
 * stratifiedSplit when no item has more than one label (every single-label file): each label's
 * quota per bucket is fixed first (labelQuotas: within one item of its share, the spare items going
 * where the whole split is furthest behind), then one pass in item order draws each item's bucket
 * among what its label still has to give, exactly as randomSplit does over all items. Every label
 * ends with exactly its quotas; no sorting and no state per item beyond the label.
 */
function stratifiedSingle(t: ItemTable, fractions: readonly number[], bounds?: Float64Array, kernel?: StratifyKernel, tally?: Tally): Uint8Array {
  const S = fractions.length;
  const L = t.labelNames.length;
  const n = t.count;
  const out = new Uint8Array(n);
  const lab = singleLabels(t);
  // counts[0]: items without a label; counts[l + 1]: label l's.
  let counts = kernel?.count(lab, L) ?? null;
  if (!counts) {
    counts = new Int32Array(L + 1);
    for (let i = 0; i < n; i++) counts[lab[i] + 1]++;
  }
  if (bounds) for (let l = 0; l < L; l++) bounds[l] = 1;
  const want = Float64Array.from(fractions, (f) => f * n);
  const quota = labelQuotas(counts, fractions, want, t.seed ?? 0);
  const perLabel = new Float64Array((L + 1) * S);
  perLabel.set(quota, S);
  // Label l's quota still to give is q[l * S .. l * S + S), and left[l + 1] its items still to come.
  const q = Int32Array.from(quota);
  const left = Int32Array.from(counts);
  const S1 = S - 1;
  const seed = t.rankSeed;
  const rank = seed === undefined ? t.rank : undefined;
  const seedMix = Math.imul((seed ?? 0) >>> 0, 0x9e3779b1);
  if (!kernel?.place(lab, rank, seed ?? 0, q, left, S, out)) {
    for (let i = 0; i < n; i++) {
      const l = lab[i];
      if (l < 0) continue;
      const r = rank !== undefined ? rank[i] : i < 4294967296 ? rankMix(seedMix, i) : hashIndex(seed!, i);
      const base = l * S;
      // pick's draw in whole numbers: the first bucket whose running total exceeds x. The running
      // totals are compared without a branch (each is a coin toss, so a branch would mispredict).
      const x = Math.floor((r / 4294967296) * left[l + 1]--) | 0;
      let acc = 0;
      let b = 0;
      for (let s = 0; s < S1; s++) {
        acc = (acc + q[base + s]) | 0;
        b += (acc - x - 1) >>> 31;
      }
      while (q[base + b] === 0) b = b === S1 ? 0 : b + 1;
      q[base + b]--;
      out[i] = b;
    }
  }
  return finishSingle(t, out, lab, counts[0], want, perLabel, tally);
}

/**
 * Each label's items per bucket (label l's bucket b at l * S + b), labels from the rarest (ties:
 * the lower id): the whole part of the label's share of every bucket, then one more item each (as
 * many as the parts left over add up to) for buckets with a part left over, those furthest behind
 * their share of the labels so far first (then a seeded coin). So every label is within one item of
 * its share in every bucket, and every bucket's total stays close to its share. `want` (what each
 * bucket wants overall) is lowered by what the labels take.
 */
export function labelQuotas(counts: Int32Array, fractions: readonly number[], want: Float64Array, seed: number): Float64Array {
  const S = fractions.length;
  const L = counts.length - 1;
  const quota = new Float64Array(L * S);
  const order = Array.from({ length: L }, (_, l) => l).sort((a, b) => counts[a + 1] - counts[b + 1] || a - b);
  // behind[s]: bucket s's share of the labels so far (this one included) less what it has.
  const behind = new Float64Array(S);
  const taken = new Float64Array(S);
  let seen = 0;
  const pick: number[] = [];
  for (const l of order) {
    const c = counts[l + 1];
    if (c === 0) continue;
    seen += c;
    let spare = c;
    pick.length = 0;
    for (let s = 0; s < S; s++) {
      const share = fractions[s] * c;
      let whole = Math.floor(share + EPS);
      if (whole > c) whole = c;
      quota[l * S + s] = whole;
      spare -= whole;
      behind[s] = fractions[s] * seen - taken[s] - whole;
      if (share - whole > EPS) pick.push(s);
    }
    if (spare > 0) {
      // Rounding can leave fewer parts than spare items: any bucket with a share may take one.
      if (pick.length < spare) for (let s = 0; s < S; s++) if (fractions[s] > 0 && !pick.includes(s)) pick.push(s);
      pick.sort((a, b) => {
        const d = behind[b] - behind[a];
        if (d > EPS || d < -EPS) return d;
        return hashIndex(seed, l * S + b) - hashIndex(seed, l * S + a) || a - b;
      });
      for (let j = 0; j < spare && j < pick.length; j++) quota[l * S + pick[j]]++;
      // Fractions that cannot take every item (all zero but one bucket): the rest goes to bucket 0.
      for (let j = pick.length; j < spare; j++) quota[l * S]++;
    }
    for (let s = 0; s < S; s++) {
      taken[s] += quota[l * S + s];
      want[s] -= quota[l * S + s];
    }
  }
  return quota;
}

/** The unlabeled items of stratifiedSingle (what each bucket still wants, exactly) and the tally. */
function finishSingle(t: ItemTable, out: Uint8Array, lab: Int32Array | Int16Array, unlabeled: number, want: Float64Array, perLabel: Float64Array, tally?: Tally): Uint8Array {
  const n = t.count;
  if (unlabeled > 0) {
    const rest = new Int32Array(unlabeled);
    for (let i = 0, k = 0; i < n; i++) if (lab[i] < 0) rest[k++] = i;
    sequentialAssign(rest, unlabeled, t.rank, quotasFromDemand(Array.from(want), unlabeled), out);
    for (let k = 0; k < unlabeled; k++) perLabel[out[rest[k]]]++;
  }
  if (tally) tally.counts = perLabel;
  return out;
}

/** stratifiedSplit for any table (items with several labels too). */
export function stratifiedGeneral(t: ItemTable, fractions: readonly number[], bounds?: Float64Array): Uint8Array {
  const S = fractions.length;
  const L = t.labelNames.length;
  const n = t.count;
  const out = new Uint8Array(n);
  // Items are visited label by label in seeded order; renumbering them in that order (position j)
  // makes every array access below sequential instead of a cache miss per item.
  // The label of single-label items travels with the sort (most tables are single-label);
  // only multi-label items are looked up by index afterwards.
  const single = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = t.labelStart[i + 1] - t.labelStart[i];
    single[i] = c === 1 ? t.labelIds[t.labelStart[i]] : c === 0 ? -1 : -2;
  }
  const sorted = n === 0 ? { order: new Int32Array(0), ranks: new Uint32Array(0), payload: single } : sortByRank(t.rank, n, single);
  const order = sorted.order;
  const posRank = sorted.ranks;
  const posSingle = sorted.payload!;
  const posStart = new Int32Array(n + 1);
  const posLabels = new Int32Array(t.labelIds.length);
  for (let j = 0, q = 0; j < n; j++) {
    const one = posSingle[j];
    if (one >= 0) posLabels[q++] = one;
    else if (one === -2) {
      const i = order[j];
      for (let p = t.labelStart[i]; p < t.labelStart[i + 1]; p++) posLabels[q++] = t.labelIds[p];
    }
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

export function stratifiedKfoldSplit(t: ItemTable, k: number, bounds?: Float64Array, kernel?: StratifyKernel, tally?: Tally): Uint8Array {
  return stratifiedSplit(t, new Array<number>(k).fill(1 / k), bounds, kernel, tally);
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
  const existing = t.existing;
  for (let i = 0; i < n; i++) {
    const e = existing[i];
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
/** Marks in `out` of items whose time straddles boundary v (TIE - v) until they are placed. */
const TIE = 255;

/**
 * temporalSplit's placing of the items of one time that straddles a boundary, done elsewhere (in
 * WebAssembly: split.c `placeTied`) with the same result, for items whose ranks are index hashes
 * (ItemTable.rankSeed): the items `group` (ascending) take positions 0, 1, ... in (rank, index)
 * order, and position p goes to split s0 + #{j : qs[j] <= p}. Returns each item's split (null
 * when it cannot: the JavaScript loops run instead).
 */
export interface TieKernel {
  place(group: Int32Array, seed: number, qs: readonly number[], s0: number): Uint8Array | null;
}

export function temporalSplit(t: ItemTable, opts: TemporalOptions, tally?: Tally, kernel?: TieKernel): Uint8Array {
  const n = t.count;
  // Few distinct times, kept as dictionary ids (see TimeColumn): the split works on the dictionary.
  const dict = t.untimed === 0 ? t.timeDict : undefined;
  if (dict) return temporalByDict(t, dict, opts, tally, kernel);
  // Whole seconds in 32 bits (see TimeColumn), when every item has one: read without building `time`.
  const secs = t.untimed === 0 ? t.timeSeconds : undefined;
  let time = secs ? undefined : t.time;
  if (!secs && !time) throw new Error('temporal split needs item times');
  const out = new Uint8Array(n);
  if (opts.cutoffs) {
    const c = opts.cutoffs;
    for (let i = 0; i < n; i++) {
      // Exact: seconds and base are integers, their sum times 1000 is the time read.
      const x = time ? time[i] : (secs!.base + secs!.sec[i]) * 1000;
      let s = 0;
      while (s < c.length && x >= c[s]) s++;
      out[i] = s;
    }
    return out;
  }
  const fractions = opts.fractions ?? [0.8, 0.1, 0.1];
  // Position p in the order (time, then seeded rank, then index) goes to split splitAt(p). Only
  // the times at the boundaries between splits matter: they are found by selection (linear, where
  // sorting all times is not); an item is placed by comparing its time with them, and only items
  // whose time equals one that straddles a boundary need the full order among themselves.
  const { cum, S } = temporalCounts(t, n, fractions, tally);
  const ks = new Set<number>();
  for (let b = 1; b < S; b++) {
    if (cum[b] > 0) ks.add(cum[b] - 1);
    if (cum[b] > 0 && cum[b] < n) ks.add(cum[b]);
  }
  if (secs) {
    const r = tiesBySeconds(secs, n, cum, S, out);
    if (r) {
      placeTies(t, out, r.straddle, r.groups, r.older, cum, S, kernel);
      return out;
    }
    // Seconds outside the recorded range (not expected): the times as doubles.
    time = t.time;
  }
  const at = orderStatistics(time!, [...ks].sort((a, b) => a - b));
  // Split s of an item = number of boundaries b with cum[b] <= (items strictly older than it), that
  // is cum[b] === 0 or the time just before the boundary is older than the item's.
  const before: number[] = [];
  const straddle: number[] = [];
  for (let b = 1; b < S; b++) {
    const P = cum[b];
    before.push(P === 0 ? -Infinity : at.get(P - 1)!);
    if (P > 0 && P < n && at.get(P - 1) === at.get(P)) straddle.push(at.get(P)!);
  }
  // Items whose time straddles a boundary are marked in `out` (TIE - v, v < S) and counted
  // first, then gathered into arrays of the right size: no growing lists of ten million numbers.
  const V = straddle.length;
  const older = new Float64Array(V);
  const tieCount = new Int32Array(V);
  if (S <= 3) {
    // Two boundaries at most (the usual three splits): the same tests on locals. A missing
    // straddling time is NaN (never equal, never greater) and a missing boundary +Infinity
    // (never below a time).
    const v0 = V > 0 ? straddle[0] : NaN;
    const v1 = V > 1 ? straddle[1] : NaN;
    const b0 = S > 1 ? before[0] : Infinity;
    const b1 = S > 2 ? before[1] : Infinity;
    let older0 = 0;
    let older1 = 0;
    let tie0 = 0;
    let tie1 = 0;
    for (let i = 0; i < n; i++) {
      const x = time![i];
      if (x < v1) older1++;
      if (x < v0) older0++;
      if (x === v0) {
        out[i] = TIE;
        tie0++;
      } else if (x === v1) {
        out[i] = TIE - 1;
        tie1++;
      } else out[i] = (b0 < x ? 1 : 0) + (b1 < x ? 1 : 0);
    }
    if (V > 0) {
      older[0] = older0;
      tieCount[0] = tie0;
    }
    if (V > 1) {
      older[1] = older1;
      tieCount[1] = tie1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = time![i];
      let tie = -1;
      for (let v = V - 1; v >= 0; v--) {
        if (x === straddle[v]) tie = v;
        else if (x < straddle[v]) older[v]++;
      }
      if (tie >= 0) {
        out[i] = TIE - tie;
        tieCount[tie]++;
        continue;
      }
      let s = 0;
      for (let b = 0; b < S - 1; b++) if (before[b] < x) s++;
      out[i] = s;
    }
  }
  const groups: Int32Array[] = straddle.map((_, v) => new Int32Array(tieCount[v]));
  if (V > 0) {
    const fillAt = new Int32Array(V);
    for (let i = 0; i < n; i++) {
      const o = out[i];
      if (o > TIE - V && o <= TIE) {
        const v = TIE - o;
        groups[v][fillAt[v]++] = i;
      }
    }
  }
  const values: number[] = [];
  const firstGroups: Int32Array[] = [];
  const firstOlder: number[] = [];
  for (let g = 0; g < V; g++) {
    if (values.includes(straddle[g])) continue;
    values.push(straddle[g]);
    firstGroups.push(groups[g]);
    firstOlder.push(older[g]);
  }
  placeTies(t, out, values, firstGroups, firstOlder, cum, S, kernel);
  return out;
}

/**
 * temporalSplit on times kept as dictionary ids (no item without one). Every item of a time takes
 * the split of the positions its time covers in the order (time, rank, index): the positions after
 * the items of older times. So the dictionary's times are sorted (few), the items counted per id,
 * and each item's split is its id's, looked up; only the items of a time whose positions straddle
 * a boundary are placed among themselves (placeTies).
 */
function temporalByDict(t: ItemTable, d: DictTimes, opts: TemporalOptions, tally?: Tally, kernel?: TieKernel): Uint8Array {
  const n = t.count;
  const ids = d.ids;
  const D = d.dict.length;
  const out = new Uint8Array(n);
  // Each id's split (TIE - v: its time straddles and is the v-th such).
  const split = new Uint8Array(D);
  if (opts.cutoffs) {
    const c = opts.cutoffs;
    for (let k = 0; k < D; k++) {
      // Exact: seconds and base are integers, their sum times 1000 is the time read.
      const x = (d.base + d.dict[k]) * 1000;
      let s = 0;
      while (s < c.length && x >= c[s]) s++;
      split[k] = s;
    }
    // (No id above TIE: nothing is gathered.)
    const none = new Int32Array(0);
    for (let a = 0; a < n; a += PLACE_STEP) placeIds(ids, split, out, a, Math.min(n, a + PLACE_STEP), TIE, [], none);
    return out;
  }
  const fractions = opts.fractions ?? [0.8, 0.1, 0.1];
  const { cum, S } = temporalCounts(t, n, fractions, tally);
  let count = d.count;
  let counted = 0;
  if (count) for (let k = 0; k < D; k++) counted += count[k];
  // Counted as the items came, which every item with a time confirms (else count them here).
  if (!count || count.length !== D || counted !== n) {
    count = new Int32Array(D);
    for (let i = 0; i < n; i++) count[ids[i]]++;
  }
  const order = Int32Array.from({ length: D }, (_, k) => k);
  // The dictionary's seconds are distinct: a plain sort by them.
  const sec = d.dict;
  order.sort((a, b) => sec[a] - sec[b]);
  const values: number[] = [];
  const olders: number[] = [];
  const tieIds: number[] = [];
  let older = 0;
  for (let j = 0; j < D; j++) {
    const k = order[j];
    const m = count[k];
    if (m === 0) continue;
    let s = 0;
    while (s < S - 1 && older >= cum[s + 1]) s++;
    let straddles = false;
    for (let b = 1; b < S; b++) if (cum[b] > older && cum[b] < older + m) straddles = true;
    if (straddles) {
      split[k] = TIE - values.length;
      values.push(sec[k]);
      olders.push(older);
      tieIds.push(k);
    } else split[k] = s;
    older += m;
  }
  const groups = tieIds.map((k) => new Int32Array(count![k]));
  const fill = new Int32Array(values.length);
  const V = values.length;
  for (let a = 0; a < n; a += PLACE_STEP) {
    const to = Math.min(n, a + PLACE_STEP);
    if (V <= 2) placeIds2(ids, split, out, a, to, TIE - V, V > 0 ? groups[0] : fill, V > 1 ? groups[1] : fill, fill);
    else placeIds(ids, split, out, a, to, TIE - V, groups, fill);
  }
  placeTies(t, out, values, groups, olders, cum, S, kernel);
  return out;
}

/**
 * Items per call of placeIds: in slices, the function is optimized after a few of them, where one
 * loop over every item would run unoptimized until replaced on the stack.
 */
const PLACE_STEP = 1 << 16;

/** out[group[k]] = res[k] for k in [from, to) (in slices, as placeIds). */
function scatter(out: Uint8Array, group: Int32Array, res: Uint8Array, from: number, to: number): void {
  for (let k = from; k < to; k++) out[group[k]] = res[k];
}

/** placeIds for at most two straddling times (the usual three splits), their groups g0 and g1 in locals. */
function placeIds2(ids: Uint8Array | Uint16Array, split: Uint8Array, out: Uint8Array, from: number, to: number, low: number, g0: Int32Array, g1: Int32Array, fill: Int32Array): void {
  let f0 = fill.length > 0 ? fill[0] : 0;
  let f1 = fill.length > 1 ? fill[1] : 0;
  for (let i = from; i < to; i++) {
    const o = split[ids[i]];
    out[i] = o;
    if (o > low) {
      if (o === TIE) g0[f0++] = i;
      else g1[f1++] = i;
    }
  }
  if (fill.length > 0) fill[0] = f0;
  if (fill.length > 1) fill[1] = f1;
}

/** Items [from, to) take their id's split; those of straddling times (above `low`) are gathered into groups. */
function placeIds(ids: Uint8Array | Uint16Array, split: Uint8Array, out: Uint8Array, from: number, to: number, low: number, groups: Int32Array[], fill: Int32Array): void {
  for (let i = from; i < to; i++) {
    const o = split[ids[i]];
    out[i] = o;
    if (o > low) {
      const v = TIE - o;
      groups[v][fill[v]++] = i;
    }
  }
}

/**
 * The exact items per split of a temporal split by fractions, as running totals (split s holds
 * positions [cum[s], cum[s + 1]) of the time order). Split s gets exactly its count: without labels
 * that is the whole tally.
 */
function temporalCounts(t: ItemTable, n: number, fractions: readonly number[], tally?: Tally): { cum: number[]; S: number } {
  const counts = allocate(n, fractions);
  if (tally && t.itemLabel === null) tally.counts = Float64Array.from(counts);
  const cum: number[] = [0];
  for (const c of counts) cum.push(cum[cum.length - 1] + c);
  return { cum, S: counts.length };
}

/**
 * temporalSplit on whole seconds (no item without one), in two reads of them. The first counts
 * items per bin of the top bits of (second - min): the bin holding the time just before each
 * boundary is then known. The second places every item outside those bins by its bin alone and
 * gathers the items inside them (in index order). The exact times before the boundaries, and the
 * times that straddle them, come from those items only: their seconds sorted (few) or a histogram
 * of their low bits (many), or nothing when a bin holds one second (ties, with shift 0 or not).
 * Exact whatever the ties. Null when the seconds fall outside [min, max] (the caller then reads
 * the times as doubles).
 */
function tiesBySeconds(
  secs: SecondTimes,
  n: number,
  cum: readonly number[],
  S: number,
  out: Uint8Array,
): { straddle: number[]; groups: Int32Array[]; older: number[] } | null {
  const sec = secs.sec;
  const lo = secs.min;
  const span = secs.max - lo;
  if (!(span >= 0) || span > 0xffffffff) return null;
  const binBits = n >= 1 << 16 ? 16 : Math.max(1, 32 - Math.clz32(n));
  const shift = Math.max(0, 32 - Math.clz32(span) - binBits);
  const bins = (span >>> shift) + 1;
  const B = S - 1;
  let members: Int32Array[] | null = null;
  let cb: number[] = [];
  let wanted: number[] = [];
  let belowOf: (c: number) => number = () => 0;
  // The usual three splits: a sample guesses the bins of the boundaries, and one read places the
  // items by the guess and counts them on either side, which confirms the guess (else the bins
  // are counted and a second read places the items by them).
  const guess = S <= 3 && n >= 1 << 16 ? guessBins(sec, n, lo, shift, bins, cum, B) : null;
  if (guess) {
    const [c0, c1, e0, e1] = guess;
    const w0 = c0 >= 0 && c0 < bins ? c0 : -2;
    const w1 = c1 !== c0 && c1 >= 0 && c1 < bins ? c1 : -2;
    // Sized by the sample, with a margin: a bin with more items than that drops the guess.
    const m0 = new Int32Array(w0 >= 0 ? Math.ceil(e0 * 1.25) + 1024 : 0);
    const m1 = new Int32Array(w1 >= 0 ? Math.ceil(e1 * 1.25) + 1024 : 0);
    let f0 = 0;
    let f1 = 0;
    // Sum of the splits given, and items given split 2.
    let sum = 0;
    let twos = 0;
    // The same tests on the seconds: bin c holds [lo + c * width, lo + (c + 1) * width).
    const width = 2 ** shift;
    const hi = secs.max;
    const from0 = w0 >= 0 ? lo + w0 * width : 1;
    const to0 = w0 >= 0 ? lo + (w0 + 1) * width : 0;
    const from1 = w1 >= 0 ? lo + w1 * width : 1;
    const to1 = w1 >= 0 ? lo + (w1 + 1) * width : 0;
    const past0 = lo + (c0 + 1) * width;
    const past1 = lo + (c1 + 1) * width;
    for (let i = 0; i < n; i++) {
      const x = sec[i];
      // A second outside [min, max]: the caller reads the times as doubles.
      if (x < lo || x > hi) return null;
      if (x >= from0 && x < to0) m0[f0++] = i;
      else if (x >= from1 && x < to1) m1[f1++] = i;
      else {
        const v = (x >= past0 ? 1 : 0) + (x >= past1 ? 1 : 0);
        out[i] = v;
        sum += v;
        twos += v >> 1;
      }
    }
    // Items in bins below c0, and strictly between c0 and c1.
    const between = sum - 2 * twos;
    const under = n - f0 - f1 - between - twos;
    const at0 = under;
    const at1 = c1 === c0 ? under : under + f0 + between;
    const ok = (c: number, at: number, count: number, P: number): boolean => c < 0 || c >= bins || (at <= P - 1 && P - 1 < at + count);
    // (Stores past an array's end are dropped: a count above its length means items were.)
    if (f0 <= m0.length && f1 <= m1.length && ok(c0, at0, f0, cum[1]) && (B < 2 || ok(c1, at1, c1 === c0 ? f0 : f1, cum[2]))) {
      cb = B < 2 ? [c0] : [c0, c1];
      members = [];
      if (w0 >= 0) {
        wanted.push(w0);
        members.push(m0.subarray(0, f0));
      }
      if (w1 >= 0) {
        wanted.push(w1);
        members.push(m1.subarray(0, f1));
      }
      belowOf = (c) => (c === c0 ? at0 : at1);
    }
  }
  if (!members) {
    const hist = new Int32Array(bins);
    for (let i = 0; i < n; i++) hist[((sec[i] - lo) | 0) >>> shift]++;
    // Items below each bin (a bin past the last holds n): every second was in [min, max].
    const below = new Float64Array(bins + 1);
    for (let b = 0; b < bins; b++) below[b + 1] = below[b] + hist[b];
    if (below[bins] !== n) return null;
    belowOf = (c) => below[c];
    const binOf = (k: number): number => {
      let a = 0;
      let z = bins - 1;
      while (a < z) {
        const m = (a + z) >> 1;
        if (below[m + 1] <= k) a = m + 1;
        else z = m;
      }
      return a;
    };
    // Boundary j's bin (of the item just before it): -1 when no item is before it (every item is
    // past it), `bins` when there is no such boundary (no item is).
    cb = [];
    for (let j = 1; j < S; j++) cb.push(cum[j] === 0 ? -1 : binOf(cum[j] - 1));
    wanted = [...new Set(cb.filter((b) => b >= 0))].sort((a, b) => a - b);
    members = wanted.map((b) => new Int32Array(hist[b]));
    if (S <= 3) {
      // The usual three splits: the tests on locals.
      const c0 = B > 0 ? cb[0] : bins;
      const c1 = B > 1 ? cb[1] : bins;
      const m0 = wanted.length > 0 ? members[0] : new Int32Array(0);
      const m1 = wanted.length > 1 ? members[1] : new Int32Array(0);
      const w0 = wanted.length > 0 ? wanted[0] : -2;
      const w1 = wanted.length > 1 ? wanted[1] : -2;
      let f0 = 0;
      let f1 = 0;
      for (let i = 0; i < n; i++) {
        const b = ((sec[i] - lo) | 0) >>> shift;
        if (b === w0) m0[f0++] = i;
        else if (b === w1) m1[f1++] = i;
        else out[i] = (b > c0 ? 1 : 0) + (b > c1 ? 1 : 0);
      }
    } else {
      const slot = new Int32Array(bins).fill(-1);
      wanted.forEach((b, w) => (slot[b] = w));
      const fill = new Int32Array(wanted.length);
      for (let i = 0; i < n; i++) {
        const b = ((sec[i] - lo) | 0) >>> shift;
        const w = slot[b];
        if (w >= 0) {
          members![w][fill[w]++] = i;
          continue;
        }
        let s = 0;
        for (let j = 0; j < B; j++) if (b > cb[j]) s++;
        out[i] = s;
      }
    }
  }
  const found = members;
  const straddle: number[] = [];
  const groups: Int32Array[] = [];
  const older: number[] = [];
  const mask = 2 ** shift - 1;
  wanted.forEach((c, w) => {
    const ids = found[w];
    const m = ids.length;
    let min = 0x7fffffff;
    let max = -0x80000000;
    for (let k = 0; k < m; k++) {
      const x = sec[ids[k]];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    // The bin's seconds, when it has more than one.
    const vals = min === max ? new Int32Array(0) : Int32Array.from(ids, (i) => sec[i]);
    // The second at rank r among the bin's items, and how many of them are below it.
    let rankAt: (r: number) => { x: number; less: number };
    if (min === max) rankAt = () => ({ x: min, less: 0 });
    else if (shift <= 16 && m > 1 << 16 && m > (mask + 1) >> 2) {
      const low = new Int32Array(mask + 1);
      for (let k = 0; k < m; k++) low[(vals[k] - lo) & mask]++;
      const binLo = lo + c * (mask + 1);
      rankAt = (r) => {
        let u = 0;
        let sum = 0;
        while (sum + low[u] <= r) sum += low[u++];
        return { x: binLo + u, less: sum };
      };
    } else {
      const sorted = vals.slice().sort();
      rankAt = (r) => {
        const x = sorted[r];
        let first = r;
        while (first > 0 && sorted[first - 1] === x) first--;
        return { x, less: first };
      };
    }
    // The boundaries whose item before lies in this bin: their time, and whether it straddles.
    let past = 0;
    const here: number[] = [];
    const ties: number[] = [];
    const tieLess: number[] = [];
    for (let j = 0; j < B; j++) {
      if (cb[j] < c) past++;
      if (cb[j] !== c) continue;
      const r = cum[j + 1] - 1 - belowOf(c);
      const v = rankAt(r);
      here.push(v.x);
      if (r + 1 < m && rankAt(r + 1).x === v.x && !ties.includes(v.x)) {
        ties.push(v.x);
        tieLess.push(v.less);
      }
    }
    const tieFill = new Int32Array(ties.length);
    if (min === max) {
      // One second: all of the bin's items are tied (and straddle) or none is past a boundary here.
      if (ties.length > 0) {
        straddle.push(min);
        groups.push(ids);
        older.push(belowOf(c));
        return;
      }
      for (let k = 0; k < m; k++) out[ids[k]] = past;
      return;
    }
    const tieCount = new Int32Array(ties.length);
    for (let k = 0; k < m; k++) {
      const t = ties.indexOf(vals[k]);
      if (t >= 0) tieCount[t]++;
    }
    const tieGroups = ties.map((_, t) => new Int32Array(tieCount[t]));
    for (let k = 0; k < m; k++) {
      const x = vals[k];
      const t = ties.indexOf(x);
      if (t >= 0) {
        tieGroups[t][tieFill[t]++] = ids[k];
        continue;
      }
      let s = past;
      for (const h of here) if (h < x) s++;
      out[ids[k]] = s;
    }
    ties.forEach((v, t) => {
      straddle.push(v);
      groups.push(tieGroups[t]);
      older.push(belowOf(c) + tieLess[t]);
    });
  });
  return { straddle, groups, older };
}

/**
 * tiesBySeconds' guess of the bins of the items just before the (at most two) boundaries, from
 * the bins of 2^14 evenly spaced items: [c0, c1] as tiesBySeconds counts them (-1: no item before
 * the boundary, `bins`: no boundary) and their items estimated from the sample, or null when a guessed bin is not clear of its neighbours
 * in the sample (the guess would often be wrong).
 */
function guessBins(sec: Int32Array, n: number, lo: number, shift: number, bins: number, cum: readonly number[], B: number): [number, number, number, number] | null {
  const m = 1 << 14;
  const sample = new Float64Array(m);
  for (let j = 0; j < m; j++) sample[j] = (sec[Math.floor(((j + 0.5) * n) / m)] - lo) >>> shift;
  sample.sort();
  const margin = 64;
  const out: number[] = [];
  const est: number[] = [];
  for (let j = 1; j <= 2; j++) {
    const P = j > B ? -1 : cum[j];
    if (P < 0) out.push(bins);
    else if (P === 0) out.push(-1);
    else {
      const q = Math.floor(((P - 0.5) / n) * m);
      if (q - margin < 0 || q + margin >= m || sample[q - margin] !== sample[q + margin]) return null;
      out.push(sample[q]);
    }
    // The bin's items, estimated from its share of the sample.
    let c = 0;
    for (let k = 0; k < m; k++) if (sample[k] === out[j - 1]) c++;
    est.push((c * n) / m);
  }
  return [out[0], out[1], est[0], est[1]];
}

/**
 * Places the items of each time that straddles a boundary (groups[g], ascending, of time
 * values[g], with older[g] items older than them): in (rank, index) order they take the positions
 * after the older ones.
 */
function placeTies(t: ItemTable, out: Uint8Array, values: readonly number[], groups: readonly Int32Array[], older: ArrayLike<number>, cum: readonly number[], S: number, kernel?: TieKernel): void {
  const splitAt = (p: number): number => {
    let s = 0;
    while (s < S - 1 && p >= cum[s + 1]) s++;
    return s;
  };
  for (let g = 0; g < values.length; g++) {
    const group = groups[g];
    const m = group.length;
    const base = older[g];
    const s0 = splitAt(base);
    const qs: number[] = [];
    for (let b = 1; b < S; b++) if (cum[b] - base > 0 && cum[b] - base < m) qs.push(cum[b] - base);
    const res = kernel && t.rankSeed !== undefined ? kernel.place(group, t.rankSeed, qs, s0) : null;
    if (res) {
      for (let a = 0; a < m; a += PLACE_STEP) scatter(out, group, res, a, Math.min(m, a + PLACE_STEP));
      continue;
    }
    const ranks = new Float64Array(m);
    for (let k = 0; k < m; k++) ranks[k] = rankOf(t, group[k]);
    const at = orderStatistics(ranks, [...new Set(qs)].sort((a, b) => a - b));
    // The (rank, index) of the item at each q: its rank, and which of the items of that rank
    // (they come in index order) it is.
    const Q = qs.length;
    const qRank = new Float64Array(Q);
    const qLess = new Float64Array(Q);
    const qIndex = new Float64Array(Q).fill(Infinity);
    for (let j = 0; j < Q; j++) qRank[j] = at.get(qs[j])!;
    for (let k = 0; k < m; k++) {
      const r = ranks[k];
      for (let j = 0; j < Q; j++) if (r < qRank[j]) qLess[j]++;
    }
    const qSeen = new Float64Array(Q);
    for (let k = 0; k < m; k++) {
      const r = ranks[k];
      for (let j = 0; j < Q; j++) {
        if (r === qRank[j] && qSeen[j]++ === qs[j] - qLess[j]) qIndex[j] = group[k];
      }
    }
    for (let k = 0; k < m; k++) {
      const r = ranks[k];
      const i = group[k];
      let s = s0;
      for (let j = 0; j < Q; j++) if (r > qRank[j] || (r === qRank[j] && i >= qIndex[j])) s++;
      out[i] = s;
    }
  }
}

/**
 * The values at positions `ks` (ascending) of the ascending order of `values` (no NaN). Large
 * inputs: a sorted sample brackets each wanted position between two values lo <= hi; one read of
 * the values counts those below lo, equal to lo or to hi, and collects the few strictly between
 * (sorted), which places the position exactly without copying or reordering all the values. Ties
 * (common in timestamps) cost nothing there. When a bracket misses (the position falls outside
 * it, or too many values fall inside), selection on a copy (orderStatisticsByCopy) answers.
 */
export function orderStatistics(values: Float64Array, ks: number[], sampleFrom = 1 << 15): Map<number, number> {
  const n = values.length;
  if (n < sampleFrom || ks.length === 0) return orderStatisticsByCopy(values, ks);
  const m = 4096;
  const sample = new Float64Array(m);
  // Evenly spaced positions: deterministic. Any sample gives the same answers (only the speed
  // depends on it).
  for (let j = 0; j < m; j++) sample[j] = values[Math.floor(((j + 0.5) * n) / m)];
  sample.sort();
  const result = new Map<number, number>();
  const cap = Math.max(1 << 12, Math.ceil(n / 32));
  const mid = new Float64Array(cap);
  const missed: number[] = [];
  // One read per bracket; a bracket usually places the next wanted positions too (a boundary
  // wants the positions on both sides of it).
  for (let next = 0; next < ks.length; ) {
    const j = Math.floor((ks[next] / n) * m);
    const lo = sample[Math.max(0, j - 48)];
    const hi = sample[Math.min(m - 1, j + 48)];
    let below = 0;
    let eqLo = 0;
    let eqHi = 0;
    let inside = 0;
    let full = false;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < lo) below++;
      else if (v === lo) eqLo++;
      else if (v === hi) eqHi++;
      else if (v < hi) {
        if (inside < cap) mid[inside++] = v;
        else full = true;
      }
    }
    let sorted: Float64Array | null = null;
    for (let first = true; next < ks.length; first = false) {
      const k = ks[next];
      const r = k - below;
      if (full || r < 0 || r >= eqLo + inside + eqHi) {
        // Outside this bracket: the first position has missed it; a later one gets its own.
        if (!first) break;
        missed.push(k);
        next++;
        break;
      }
      if (r < eqLo) result.set(k, lo);
      else if (r < eqLo + inside) {
        sorted ??= mid.subarray(0, inside).sort();
        result.set(k, sorted[r - eqLo]);
      } else result.set(k, hi);
      next++;
    }
  }
  if (missed.length > 0) for (const [k, v] of orderStatisticsByCopy(values, missed)) result.set(k, v);
  return result;
}

/**
 * orderStatistics by selection on a copy: three-way partitioning around a median of three
 * (duplicates end a round at once), with a native sort for small or stubborn ranges.
 */
function orderStatisticsByCopy(values: Float64Array, ks: number[]): Map<number, number> {
  const a = values.slice();
  const result = new Map<number, number>();
  let lo = 0;
  for (const k of ks) {
    let from = lo;
    let to = a.length;
    let rounds = 0;
    for (;;) {
      if (to - from <= 32 || ++rounds > 64) {
        a.subarray(from, to).sort();
        break;
      }
      const mid = from + ((to - from) >> 1);
      const x = a[from];
      const y = a[mid];
      const z = a[to - 1];
      const p = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
      let lt = from;
      let i = from;
      let gt = to;
      while (i < gt) {
        const v = a[i];
        if (v < p) {
          a[i] = a[lt];
          a[lt] = v;
          lt++;
          i++;
        } else if (v > p) {
          gt--;
          a[i] = a[gt];
          a[gt] = v;
        } else i++;
      }
      if (k < lt) to = lt;
      else if (k >= gt) from = gt;
      else break;
    }
    // a[k] is in its sorted place and nothing before it is larger: later positions search after it.
    result.set(k, a[k]);
    lo = k;
  }
  return result;
}

/** Each item's bucket through its group: item i goes to bucket[group[i]]. */
export interface GroupBuckets {
  group: Int32Array | Uint16Array;
  bucket: Uint8Array;
}

/**
 * groupBuckets' ordering and placing of the groups in the module (wasm.ts wasmGroupKernel): the
 * bucket per group and the items per bucket, or null when the module cannot take them.
 */
export interface GroupKernel {
  place(rank: Uint32Array, size: Int32Array, target: readonly number[]): { bucket: Uint8Array; have: Float64Array } | null;
}

/**
 * Group-aware: every group (items sharing a key) lands in one split. Groups are visited in seeded
 * order and each goes to the split furthest below its target item count.
 */
export function groupSplit(t: ItemTable, fractions: readonly number[], tally?: Tally, kernel?: GroupKernel): Uint8Array {
  return gatherGroups(groupBuckets(t, fractions, tally, kernel), t.count);
}

/** groupSplit's bucket per group (the items' buckets follow through their groups: see gatherGroups). */
export function groupBuckets(t: ItemTable, fractions: readonly number[], tally?: Tally, kernel?: GroupKernel): GroupBuckets {
  const n = t.count;
  const group = t.group;
  const gRank = t.groupRank;
  if (!group || !gRank) throw new Error('group split needs item groups');
  const G = t.groupCount;
  let size = t.groupSize;
  if (!size || size.length !== G) {
    size = new Int32Array(G);
    for (let i = 0; i < n; i++) size[group[i]]++;
  }
  const target = fractions.map((f) => f * n);
  const placed = kernel?.place(gRank.subarray(0, G), size, target);
  let gOut: Uint8Array;
  let have: number[] | Float64Array;
  if (placed) {
    gOut = placed.bucket;
    have = placed.have;
  } else {
    const order = orderByRank(gRank, G);
    have = new Array<number>(fractions.length).fill(0);
    gOut = new Uint8Array(G);
    for (const g of order) {
      let best = 0;
      for (let s = 1; s < fractions.length; s++) {
        if (target[s] - have[s] > target[best] - have[best] + 1e-9) best = s;
      }
      gOut[g] = best;
      have[best] += size[g];
    }
  }
  // Split s holds have[s] items: without labels that is the whole tally.
  if (tally && t.itemLabel === null) tally.counts = Float64Array.from(have);
  return { group, bucket: gOut };
}

/** Every item's bucket (items [0, n)). */
export function gatherGroups(gb: GroupBuckets, n: number): Uint8Array {
  const { group, bucket } = gb;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = bucket[group[i]];
  return out;
}
