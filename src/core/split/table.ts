import { GrowFloat64, GrowInt32, GrowInt8, GrowUint32 } from './grow';
import { KeyTable } from './keys';
import { hashIndex, hashString } from './prng';

/** Existing ml_use of an item: a split index, or one of these. */
export const NO_ML_USE = -1;
/** The item carried a value that is not valid for the format (kept out of `manual`'s kept set). */
export const INVALID_ML_USE = -2;
/** Rows of one item disagree about ml_use. */
export const CONFLICTING_ML_USE = -3;

/** What pass 1 learns from one record (a JSONL line or a CSV row). */
export interface RecordFacts {
  /** Records with the same key are one data item (same media URI) and always share a split. */
  itemKey?: string;
  /** Items with the same group key share a split under the `group` strategy. */
  groupKey?: string;
  labels?: readonly string[];
  /** Timestamp in milliseconds since the epoch (NaN when missing or unreadable). */
  time?: number;
  /** Split index of a valid existing ml_use, or NO_ML_USE / INVALID_ML_USE. */
  mlUse?: number;
}

/**
 * The per-item facts every strategy works on, held in typed arrays so that memory stays bounded by
 * (items × a few numbers + labels) however large the file is.
 */
export interface ItemTable {
  count: number;
  /** Deterministic pseudo-random value per item, from the seed and the item's key. */
  rank: Uint32Array;
  /** Labels of item i are labelIds[labelStart[i] .. labelStart[i+1]). */
  labelStart: Int32Array;
  labelIds: Int32Array;
  labelNames: string[];
  /** Earliest timestamp of the item's records (NaN when none). */
  time?: Float64Array;
  /** Existing ml_use per item (see NO_ML_USE etc.). */
  existing: Int8Array;
  /** Group id per item, and a deterministic rank per group. */
  group?: Int32Array;
  groupRank?: Uint32Array;
  groupCount: number;
  /** First record (0-based) of each item, for messages. */
  firstRecord: Int32Array;
}

export interface CollectorNeeds {
  labels: boolean;
  time: boolean;
  groups: boolean;
}

/** Builds an ItemTable from a stream of RecordFacts (pass 1) and remembers record → item. */
export class ItemCollector {
  private readonly seed: number;
  private readonly needs: CollectorNeeds;
  private records = 0;
  private itemKeys = new KeyTable();
  private keyItem = new GrowInt32();
  private groupKeys = new KeyTable();
  private recordItem: GrowInt32 | null = null;
  private rank = new GrowUint32();
  private firstRecord = new GrowInt32();
  private existing = new GrowInt8();
  private time = new GrowFloat64();
  private group = new GrowInt32();
  private groupRank = new GrowUint32();
  private pairItem = new GrowInt32();
  private pairLabel = new GrowInt32();
  private readonly labelIndex = new Map<string, number>();
  private readonly labelNames: string[] = [];
  private items = 0;

  constructor(seed: number, needs: CollectorNeeds) {
    this.seed = seed >>> 0;
    this.needs = needs;
  }

  add(f: RecordFacts): void {
    const record = this.records++;
    let item: number;
    if (f.itemKey !== undefined) {
      if (!this.recordItem) {
        // Records before the first keyed one were items of their own.
        this.recordItem = new GrowInt32(Math.max(1024, record * 2));
        for (let r = 0; r < record; r++) this.recordItem.push(r);
      }
      const k = this.itemKeys.idOf(f.itemKey);
      if (k === this.keyItem.length) {
        this.keyItem.push(this.items);
        this.newItem(record, hashString(this.seed, f.itemKey));
      }
      item = this.keyItem.data[k];
    } else {
      item = this.items;
      this.newItem(record, hashIndex(this.seed, record));
    }
    this.recordItem?.push(item);
    this.merge(item, record, f);
  }

  /**
   * A record that is an item of its own (a tabular row) with its facts already reduced: the
   * same effect as `add` with { mlUse, labels: [label name], time, groupKey } but without building
   * strings or objects. `label` is an id from `labelId` (-1: no label); `groupA/B/Rank` are the
   * hashes of 'g' + group key (KEY_SEED_A, KEY_SEED_B, the group-rank seed), `hasGroup` false
   * when the row has no group key.
   */
  addRow(mlUse: number, label: number, time: number, hasGroup: boolean, groupA: number, groupB: number, groupRank: number): void {
    const record = this.records++;
    if (this.recordItem) throw new Error('addRow is only for files whose records are all items of their own');
    const item = this.items;
    this.newItem(record, hashIndex(this.seed, record));
    this.existing.data[item] = mlUse;
    if (this.needs.labels && label >= 0) {
      this.pairItem.push(item);
      this.pairLabel.push(label);
    }
    if (this.needs.time && !Number.isNaN(time)) this.time.data[item] = time;
    if (this.needs.groups) {
      let g: number;
      if (hasGroup) {
        g = this.groupKeys.idOfHashes(groupA, groupB);
        if (g === this.groupRank.length) this.groupRank.push(groupRank);
      } else {
        const key = '#' + item;
        g = this.groupKeys.idOf(key);
        if (g === this.groupRank.length) this.groupRank.push(hashString(this.groupSeed, key));
      }
      this.group.data[item] = g;
    }
  }

  /**
   * addRow for each of `n` rows given as arrays (pass 1 in WebAssembly hands rows over in
   * batches): the same effect, written as loops over whole arrays.
   */
  addRows(n: number, ml: Int8Array, label: Int32Array, time: Float64Array, has: Uint8Array, ga: Int32Array, gb: Int32Array, gr: Uint32Array): void {
    if (this.recordItem) throw new Error('addRows is only for files whose records are all items of their own');
    const item0 = this.items;
    const record0 = this.records;
    const end = item0 + n;
    this.rank.ensure(end);
    this.firstRecord.ensure(end);
    this.existing.ensure(end);
    const rank = this.rank.data;
    const first = this.firstRecord.data;
    // hashIndex(seed, record) with the seed's part computed once (records stay below 2^32 here).
    const seedMix = Math.imul(this.seed, 0x9e3779b1);
    for (let k = 0; k < n; k++) {
      const r = record0 + k;
      let h = (r >>> 0) ^ 0x5bd1e995;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      h = seedMix ^ h ^ Math.floor(r / 4294967296);
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      rank[item0 + k] = h >>> 0;
      first[item0 + k] = r;
    }
    this.existing.data.set(ml.subarray(0, n), item0);
    this.rank.length = this.firstRecord.length = this.existing.length = end;
    if (this.needs.time) {
      this.time.ensure(end);
      this.time.data.set(time.subarray(0, n), item0);
      this.time.length = end;
    }
    if (this.needs.labels) {
      let pairs = 0;
      for (let k = 0; k < n; k++) if (label[k] >= 0) pairs++;
      const p0 = this.pairItem.length;
      this.pairItem.ensure(p0 + pairs);
      this.pairLabel.ensure(p0 + pairs);
      const pi = this.pairItem.data;
      const pl = this.pairLabel.data;
      let p = p0;
      for (let k = 0; k < n; k++) {
        const l = label[k];
        if (l >= 0) {
          pi[p] = item0 + k;
          pl[p++] = l;
        }
      }
      this.pairItem.length = this.pairLabel.length = p;
    }
    if (this.needs.groups) {
      this.group.ensure(end);
      const group = this.group.data;
      const keys = this.groupKeys;
      for (let k = 0; k < n; k++) {
        let g: number;
        if (has[k] === 1) {
          g = keys.idOfHashes(ga[k], gb[k]);
          if (g === this.groupRank.length) this.groupRank.push(gr[k]);
        } else {
          const key = '#' + (item0 + k);
          g = keys.idOf(key);
          if (g === this.groupRank.length) this.groupRank.push(hashString(this.groupSeed, key));
        }
        group[item0 + k] = g;
      }
      this.group.length = end;
    }
    this.items = end;
    this.records = record0 + n;
  }

  /** Seed of the group ranks (hashString(groupSeed, 'g' + key)). */
  get groupSeed(): number {
    return (this.seed ^ 0x5f3759df) >>> 0;
  }

  /** The id of a label name (assigned on first sight, in order of appearance). */
  labelId(name: string): number {
    let id = this.labelIndex.get(name);
    if (id === undefined) {
      id = this.labelNames.length;
      this.labelNames.push(name);
      this.labelIndex.set(name, id);
    }
    return id;
  }

  private newItem(record: number, rank: number): void {
    this.items++;
    this.rank.push(rank);
    this.firstRecord.push(record);
    this.existing.push(NO_ML_USE);
    if (this.needs.time) this.time.push(NaN);
    if (this.needs.groups) this.group.push(-1);
  }

  private merge(item: number, record: number, f: RecordFacts): void {
    // Rows of one item: a row without a value does not contradict one with a value; two different
    // valid values do (the item is then treated as unassigned); invalid values only count alone.
    const mlUse = f.mlUse ?? NO_ML_USE;
    const prev = this.existing.data[item];
    if (this.firstRecord.data[item] === record) this.existing.data[item] = mlUse;
    else if (mlUse >= 0) {
      if (prev < 0 && prev !== CONFLICTING_ML_USE) this.existing.data[item] = mlUse;
      else if (prev >= 0 && prev !== mlUse) this.existing.data[item] = CONFLICTING_ML_USE;
    } else if (mlUse === INVALID_ML_USE && prev === NO_ML_USE) this.existing.data[item] = INVALID_ML_USE;
    if (this.needs.labels && f.labels) {
      for (const name of f.labels) {
        const id = this.labelId(name);
        this.pairItem.push(item);
        this.pairLabel.push(id);
      }
    }
    if (this.needs.time && f.time !== undefined && !Number.isNaN(f.time)) {
      const t = this.time.data[item];
      if (Number.isNaN(t) || f.time < t) this.time.data[item] = f.time;
    }
    if (this.needs.groups && this.group.data[item] === -1) {
      const key = f.groupKey !== undefined ? 'g' + f.groupKey : f.itemKey !== undefined ? 'k' + f.itemKey : '#' + item;
      const g = this.groupKeys.idOf(key);
      if (g === this.groupRank.length) this.groupRank.push(hashString(this.groupSeed, key));
      this.group.data[item] = g;
    }
  }

  get recordCount(): number {
    return this.records;
  }

  /** record → item map (null when every record is its own item). */
  recordItems(): Int32Array | null {
    return this.recordItem ? this.recordItem.toArray() : null;
  }

  /**
   * Expected number of items (an estimate from the first chunk): the arrays are sized once instead
   * of doubling their way there, which touches (and page-faults) twice the memory.
   */
  reserve(items: number): void {
    this.rank.reserve(items);
    this.firstRecord.reserve(items);
    this.existing.reserve(items);
    if (this.needs.time) this.time.reserve(items);
    if (this.needs.groups) this.group.reserve(items);
    if (this.needs.labels) {
      this.pairItem.reserve(items);
      this.pairLabel.reserve(items);
    }
  }

  finish(): ItemTable {
    const count = this.items;
    const { labelStart, labelIds } = this.simpleLabels() ?? this.groupLabels();
    const table: ItemTable = {
      count,
      rank: this.rank.toArray(),
      labelStart,
      labelIds,
      labelNames: this.labelNames.slice(),
      time: this.needs.time ? this.time.toArray() : undefined,
      existing: this.existing.toArray(),
      group: this.needs.groups ? this.group.toArray() : undefined,
      groupRank: this.needs.groups ? this.groupRank.toArray() : undefined,
      groupCount: this.needs.groups ? this.groupRank.length : 0,
      firstRecord: this.firstRecord.toArray(),
    };
    // The table keeps what it needs: the rest (a few hundred MB for ten million items) can go
    // before the strategy allocates its own.
    this.release();
    return table;
  }

  /**
   * Labels per item when every item has at most one label pair and pairs come in item order (a
   * tabular file, or any file without repeated media): the pairs are the table as they are.
   */
  private simpleLabels(): { labelStart: Int32Array; labelIds: Int32Array } | undefined {
    const count = this.items;
    const pairs = this.pairItem.length;
    const items = this.pairItem.data;
    for (let p = 1; p < pairs; p++) if (items[p] <= items[p - 1]) return undefined;
    const labelStart = new Int32Array(count + 1);
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p < pairs && items[p] === i) p++;
      labelStart[i + 1] = p;
    }
    return { labelStart, labelIds: this.pairLabel.toArray() };
  }

  /** Labels per item from pairs in any order, each label once per item. */
  private groupLabels(): { labelStart: Int32Array; labelIds: Int32Array } {
    const count = this.items;
    const labelStart = new Int32Array(count + 1);
    const pairs = this.pairItem.length;
    for (let p = 0; p < pairs; p++) labelStart[this.pairItem.data[p] + 1]++;
    for (let i = 0; i < count; i++) labelStart[i + 1] += labelStart[i];
    const fill = labelStart.slice(0, count);
    const raw = new Int32Array(pairs);
    for (let p = 0; p < pairs; p++) raw[fill[this.pairItem.data[p]]++] = this.pairLabel.data[p];
    // Deduplicate labels per item (a label on several boxes of one image counts once).
    const dedupStart = new Int32Array(count + 1);
    const labelIds = new Int32Array(pairs);
    let out = 0;
    for (let i = 0; i < count; i++) {
      dedupStart[i] = out;
      const s = labelStart[i];
      const e = labelStart[i + 1];
      for (let p = s; p < e; p++) {
        let seen = false;
        for (let q = dedupStart[i]; q < out; q++) if (labelIds[q] === raw[p]) { seen = true; break; }
        if (!seen) labelIds[out++] = raw[p];
      }
    }
    dedupStart[count] = out;
    return { labelStart: dedupStart, labelIds: labelIds.slice(0, out) };
  }

  private release(): void {
    this.itemKeys = new KeyTable(16);
    this.keyItem = new GrowInt32(1);
    this.groupKeys = new KeyTable(16);
    this.rank = new GrowUint32(1);
    this.firstRecord = new GrowInt32(1);
    this.existing = new GrowInt8(1);
    this.time = new GrowFloat64(1);
    this.group = new GrowInt32(1);
    this.groupRank = new GrowUint32(1);
    this.pairItem = new GrowInt32(1);
    this.pairLabel = new GrowInt32(1);
  }
}
