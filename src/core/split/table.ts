import { GrowGroupIds, GrowInt32, GrowInt8, GrowLabels, GrowUint32 } from './grow';
import { KEY_SEED_A, KEY_SEED_B, KeyTable } from './keys';
import type { GroupIds } from './keys';
import { fmix32, hashIndex, hashString } from './prng';
import { NO_SECOND, TimeColumn, noIdOf, secondsOfDict } from './times';
import type { DictTimes, SecondTimes } from './times';

/** Existing ml_use of an item: a split index, or one of these. */
export const NO_ML_USE = -1;

/** What a batch of rows for addRows holds, when the reader knows it: no need to read the arrays for it. */
export interface RowSummary {
  /** Some row has an existing split (ml other than NO_ML_USE). */
  anyMl: boolean;
  /** The largest label id (-1: none). */
  maxLabel: number;
  /** Rows with a time (not NaN). */
  timed: number;
  /** Least and greatest time of the rows given in seconds (see addRows), when known. */
  timeMin?: number;
  timeMax?: number;
  /** Rows given as dictionary ids are counted per id by whoever gave them (see addTimeCounts). */
  idsCounted?: boolean;
}
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
  /**
   * When set, every item's rank is hashIndex(rankSeed, item) (files whose records are all items
   * of their own): `rank` is then only built on first use, and loops over every item compute it
   * instead (see rankOf).
   */
  rankSeed?: number;
  /** The seed the ranks come from (coins that are not per item, such as stratified quotas' ties). */
  seed?: number;
  /** Labels of item i are labelIds[labelStart[i] .. labelStart[i+1]). */
  labelStart: Int32Array;
  labelIds: Int32Array;
  /**
   * When no item has more than one label: item i's label id (-1: none), or null when no item has
   * any. labelStart and labelIds are then only built on first use. Absent: several labels per item
   * (read labelStart/labelIds).
   */
  itemLabel?: Int32Array | Int16Array | null;
  labelNames: string[];
  /** Earliest timestamp of the item's records (NaN when none). */
  time?: Float64Array;
  /**
   * The same times as whole seconds in 32 bits, when every one is such (see TimeColumn): `time`
   * is then only built on first use. Setting `time` drops it.
   */
  timeSeconds?: SecondTimes;
  /**
   * The same times as ids into a dictionary of distinct seconds, when there are few (see
   * TimeColumn): `timeSeconds` and `time` are then only built on first use. Setting either drops it.
   */
  timeDict?: DictTimes;
  /** How many items have no time (NaN in `time`), when known. */
  untimed?: number;
  /** Existing ml_use per item (see NO_ML_USE etc.). */
  existing: Int8Array;
  /** false when no item has a valid existing ml_use (every `existing` value is negative): loops may skip them. */
  hasExisting?: boolean;
  /** Group id per item (16-bit while every id fits), and a deterministic rank per group. */
  group?: Int32Array | Uint16Array;
  groupRank?: Uint32Array;
  groupCount: number;
  /** Items per group, when pass 1 counted them (else count them from `group`). */
  groupSize?: Int32Array;
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
  private groupKeys: GroupIds = new KeyTable();
  /**
   * While a table that counts its own items gives the ids (see useGroupIds): items per group of
   * the items whose ids JavaScript gave.
   */
  private jsGroupSize: GrowInt32 | null = null;
  private recordItem: GrowInt32 | null = null;
  private rank = new GrowUint32();
  private firstRecord = new GrowInt32();
  /** Null while every item so far has NO_ML_USE (most files have no split column): nothing stored. */
  private existing: GrowInt8 | null = null;
  private time = new TimeColumn();
  private group = new GrowGroupIds();
  private groupRank = new GrowUint32();
  private pairItem = new GrowInt32();
  private pairLabel = new GrowInt32();
  private readonly labelIndex = new Map<string, number>();
  private readonly labelNames: string[] = [];
  private items = 0;
  /**
   * While true, item i is record i and its rank hashIndex(seed, i): neither rank nor first
   * record is stored (ten million items save 80 MB). The first keyed record ends it.
   */
  private indexed = true;
  /**
   * While true, no item has more than one label and labels come with the item's only record:
   * item i's label id (or -1) is kept at itemLabel[i] (null until the first label) instead of
   * item/label pairs. The first keyed record or record with several labels ends it.
   */
  private single = true;
  private itemLabel: GrowLabels | null = null;
  private reserved = 0;
  /** Whether any record had a valid ml_use (else every item's `existing` is negative). */
  private anyExisting = false;
  /** Items with a time so far. */
  private timed = 0;

  constructor(seed: number, needs: CollectorNeeds) {
    this.seed = seed >>> 0;
    this.needs = needs;
  }

  add(f: RecordFacts): void {
    const record = this.records++;
    let item: number;
    if (f.itemKey !== undefined) {
      this.unindex();
      this.toPairs();
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
    this.newItem(record, 0);
    if (mlUse !== NO_ML_USE) this.setExisting(item, mlUse);
    if (mlUse >= 0) this.anyExisting = true;
    if (this.needs.labels && label >= 0) this.setLabel(item, label);
    if (this.needs.time && !Number.isNaN(time)) {
      this.time.set(item, time);
      this.timed++;
    }
    if (this.needs.groups) {
      let g: number;
      if (hasGroup) {
        g = this.groupKeys.idOfHashes(groupA, groupB);
        if (g === this.groupRank.length) this.groupRank.push(groupRank);
      } else {
        const key = '#' + item;
        g = this.groupId(key);
        if (g === this.groupRank.length) this.groupRank.push(hashString(this.groupSeed, key));
      }
      this.group.set(item, g);
      if (this.jsGroupSize) this.countGroup(g);
    }
  }

  /**
   * addRow for each of `n` rows given as arrays (pass 1 in WebAssembly hands rows over in
   * batches): the same effect, written as loops over whole arrays. Times are in ms (NaN: none),
   * as an Int32Array whole seconds after second `timeBase` (NO_SECOND: none), or as 8- or 16-bit
   * ids into the collector's time dictionary (noIdOf: none; see timeDictSize).
   */
  addRows(
    n: number,
    ml: Int8Array,
    label: Int32Array,
    time: Float64Array | Int32Array | Uint16Array | Uint8Array,
    has: Uint8Array,
    ga: Int32Array,
    gb: Int32Array,
    gr: Uint32Array,
    summary?: RowSummary,
    timeBase = NaN,
  ): void {
    this.addFacts(n, ml, label, time, summary, timeBase);
    const item0 = this.items;
    const end = item0 + n;
    if (this.needs.groups) {
      const keys = this.groupKeys;
      const known = keys.size;
      this.group.ensure(end);
      // These rows start at most n groups.
      this.group.fit(known + n);
      const group = this.group.data;
      // Ids in row order (runs of keyed rows in one call), then the ranks of the new groups: ids
      // are handed out in order, so a row starts a group exactly when its id is the next one.
      for (let k = 0; k < n; ) {
        if (keys instanceof KeyTable) k = keys.idsOfHashes(ga, gb, has, k, n, group, item0);
        else for (; k < n && has[k] === 1; k++) group[item0 + k] = keys.idOfHashes(ga[k], gb[k]);
        if (k < n) {
          group[item0 + k] = this.groupId('#' + (item0 + k));
          k++;
        }
      }
      const ranks = this.groupRank;
      // No new group in these rows (the usual case once the groups have been seen): no rank to add.
      if (keys.size !== known) {
        for (let k = 0; k < n; k++) {
          if (group[item0 + k] === ranks.length) ranks.push(has[k] === 1 ? gr[k] : hashString(this.groupSeed, '#' + (item0 + k)));
        }
      }
      this.group.length = end;
      if (this.jsGroupSize) for (let k = 0; k < n; k++) this.countGroup(group[item0 + k]);
    }
    this.items = end;
    this.records += n;
  }

  /**
   * addRows for rows whose group ids were given in the table of `useGroupIds` (pass 1 in
   * WebAssembly): `group[k]` is row k's id, `newRanks` the ranks of the groups the rows start, in order.
   */
  addIdRows(n: number, ml: Int8Array, label: Int32Array, time: Float64Array | Int32Array | Uint16Array | Uint8Array, group: Int32Array, newRanks: Uint32Array, summary?: RowSummary, timeBase = NaN): void {
    this.addFacts(n, ml, label, time, summary, timeBase);
    const item0 = this.items;
    const end = item0 + n;
    if (this.needs.groups) {
      this.group.ensure(end);
      this.group.fit(this.groupRank.length + newRanks.length);
      this.group.data.set(group.subarray(0, n), item0);
      this.group.length = end;
      const ranks = this.groupRank;
      const m = newRanks.length;
      if (m > 0) {
        ranks.ensure(ranks.length + m);
        ranks.data.set(newRanks, ranks.length);
        ranks.length += m;
      }
      if (ranks.length !== this.groupKeys.size) throw new Error('group ranks out of step with the group ids');
    }
    this.items = end;
    this.records += n;
  }

  /** The facts of addRows but the groups (items and records are not counted yet). */
  private addFacts(n: number, ml: Int8Array, label: Int32Array, time: Float64Array | Int32Array | Uint16Array | Uint8Array, summary?: RowSummary, timeBase = NaN): void {
    if (this.recordItem) throw new Error('addRows is only for files whose records are all items of their own');
    const item0 = this.items;
    const end = item0 + n;
    // Items are their records here (indexed): rank and first record are not stored.
    let ex = this.existing;
    if (ex === null) {
      if (summary) {
        if (summary.anyMl) ex = this.existingUpTo(item0);
      } else for (let k = 0; k < n && ex === null; k++) if (ml[k] !== NO_ML_USE) ex = this.existingUpTo(item0);
    }
    if (ex !== null) {
      ex.ensure(end);
      ex.data.set(ml.subarray(0, n), item0);
      ex.length = end;
      if (!this.anyExisting) for (let k = 0; k < n; k++) if (ml[k] >= 0) this.anyExisting = true;
    }
    if (this.needs.time) {
      let timed = 0;
      if (time instanceof Uint16Array || time instanceof Uint8Array) {
        this.time.appendIds(time, n, summary?.idsCounted === true);
        const none = noIdOf(time);
        if (summary) timed = summary.timed;
        else for (let k = 0; k < n; k++) if (time[k] !== none) timed++;
      } else if (time instanceof Int32Array) {
        this.time.appendSeconds(time, n, timeBase, summary?.timeMin, summary?.timeMax);
        if (summary) timed = summary.timed;
        else for (let k = 0; k < n; k++) if (time[k] !== NO_SECOND) timed++;
      } else {
        this.time.appendMs(time, n);
        if (summary) timed = summary.timed;
        else for (let k = 0; k < n; k++) if (time[k] === time[k]) timed++;
      }
      this.timed += timed;
    }
    if (this.needs.labels && !this.single) {
      for (let k = 0; k < n; k++) {
        if (label[k] >= 0) {
          this.pairItem.push(item0 + k);
          this.pairLabel.push(label[k]);
        }
      }
    } else if (this.needs.labels) {
      let most = -1;
      if (summary) most = summary.maxLabel;
      else for (let k = 0; k < n; k++) if (label[k] > most) most = label[k];
      if (most >= 0 || this.itemLabel !== null) {
        const il = this.labelsUpTo(item0);
        il.fit(most);
        il.ensure(end);
        il.data.set(label.subarray(0, n), item0);
        il.length = end;
      }
    }
  }

  /** The group id of `key` ('g' + group key, 'k' + item key or '#' + item index). */
  private groupId(key: string): number {
    return this.groupKeys.idOfHashes(hashString(KEY_SEED_A, key), hashString(KEY_SEED_B, key));
  }

  /**
   * Group ids come from `t` from now on (a table that pass 1 in WebAssembly fills as it reads
   * rows), given the ids so far first so that every id stays as it is.
   */
  useGroupIds(t: GroupIds): void {
    if (t.size !== 0) throw new Error('useGroupIds needs an empty table');
    const keys = this.groupKeys;
    if (keys.size > 0) {
      const pairs = keys instanceof KeyTable ? keys.pairs() : null;
      if (!pairs) throw new Error('group ids cannot move from one outside table to another');
      for (let id = 0; id < keys.size; id++) t.idOfHashes(pairs[2 * id], pairs[2 * id + 1]);
    }
    this.groupKeys = t;
    if (t.sizes) {
      // The table counts the items it gives ids from now on; the others are counted here.
      this.jsGroupSize = new GrowInt32(Math.max(16, keys.size));
      for (let item = 0; item < this.items; item++) {
        const g = this.group.get(item);
        if (g >= 0) this.countGroup(g);
      }
    }
  }

  /** Items so far. */
  get itemCount(): number {
    return this.items;
  }

  /** How times are kept so far (TimeColumn.mode: 1 seconds after timeBase, 2 ms, 3 and 4 dictionary ids): pass 1 in WebAssembly gives them so. */
  get timeMode(): number {
    return this.time.mode;
  }

  /** Adds items per time dictionary id counted elsewhere (rows given with idsCounted). */
  addTimeCounts(counts: ArrayLike<number>): void {
    this.time.addCounts(counts);
  }

  /** Adds second `sec` to the time dictionary as its next id (pass 1 in WebAssembly gave it that id). */
  addTimeDictSecond(sec: number): void {
    this.time.addDictSecond(sec);
  }

  /** Whether the time dictionary holds too many times for its items; leaveTimeDict then keeps them as seconds. */
  get timeDictCrowded(): boolean {
    return this.time.crowded;
  }

  leaveTimeDict(): void {
    this.time.leaveDict();
  }

  /** Entries of the time dictionary (ids 0 .. timeDictSize - 1; see TimeColumn). */
  get timeDictSize(): number {
    return this.time.dictSize;
  }

  /** The second (since the epoch) of time dictionary id `id`. */
  timeDictSecond(id: number): number {
    return this.time.dictSecond(id);
  }

  get timeBase(): number {
    return this.time.baseSecond;
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
    if (!this.indexed) {
      this.rank.push(rank);
      this.firstRecord.push(record);
    }
    this.existing?.push(NO_ML_USE);
    if (this.needs.time) this.time.push(NaN);
    if (this.needs.groups) this.group.push(-1);
  }

  private merge(item: number, record: number, f: RecordFacts): void {
    // Rows of one item: a row without a value does not contradict one with a value; two different
    // valid values do (the item is then treated as unassigned); invalid values only count alone.
    const mlUse = f.mlUse ?? NO_ML_USE;
    if (mlUse >= 0) this.anyExisting = true;
    const prev = this.existing === null ? NO_ML_USE : this.existing.data[item];
    // Indexed: the item is new and `record` is its first (and only) record.
    if ((this.indexed ? item : this.firstRecord.data[item]) === record) {
      if (mlUse !== NO_ML_USE || this.existing !== null) this.setExisting(item, mlUse);
    } else if (mlUse >= 0) {
      if (prev < 0 && prev !== CONFLICTING_ML_USE) this.setExisting(item, mlUse);
      else if (prev >= 0 && prev !== mlUse) this.setExisting(item, CONFLICTING_ML_USE);
    } else if (mlUse === INVALID_ML_USE && prev === NO_ML_USE) this.setExisting(item, INVALID_ML_USE);
    if (this.needs.labels && f.labels && this.single) {
      // A new item (keyed records end single mode): its distinct labels.
      let id = -1;
      for (const name of f.labels) {
        const l = this.labelId(name);
        if (id === -1) id = l;
        else if (l !== id) id = -2;
      }
      if (id >= 0) this.setLabel(item, id);
      else if (id === -2) this.toPairs();
    }
    if (this.needs.labels && f.labels && !this.single) {
      for (const name of f.labels) {
        const id = this.labelId(name);
        this.pairItem.push(item);
        this.pairLabel.push(id);
      }
    }
    if (this.needs.time && f.time !== undefined && !Number.isNaN(f.time)) {
      const t = this.time.get(item);
      if (Number.isNaN(t)) this.timed++;
      if (Number.isNaN(t) || f.time < t) this.time.set(item, f.time);
    }
    if (this.needs.groups && this.group.get(item) === -1) {
      const key = f.groupKey !== undefined ? 'g' + f.groupKey : f.itemKey !== undefined ? 'k' + f.itemKey : '#' + item;
      const g = this.groupId(key);
      if (g === this.groupRank.length) this.groupRank.push(hashString(this.groupSeed, key));
      this.group.set(item, g);
      if (this.jsGroupSize) this.countGroup(g);
    }
  }

  private countGroup(g: number): void {
    const s = this.jsGroupSize!;
    s.ensure(g + 1);
    if (g >= s.length) s.length = g + 1;
    s.data[g]++;
  }

  /** Items per group when the group table counted the items it gave ids (see GroupIds.sizes). */
  private groupSizes(): Int32Array | undefined {
    const js = this.jsGroupSize;
    const keys = this.groupKeys;
    if (!js || !keys.sizes) return undefined;
    const size = keys.sizes();
    if (size.length !== this.groupRank.length || js.length > size.length) return undefined;
    for (let g = 0; g < js.length; g++) size[g] += js.data[g];
    let sum = 0;
    for (let g = 0; g < size.length; g++) sum += size[g];
    // Every item counted once: anything else would misplace groups, so they are counted again.
    return sum === this.items ? size : undefined;
  }

  /** Ends indexed mode: ranks and first records of the items so far are stored from now on. */
  private unindex(): void {
    if (!this.indexed) return;
    this.indexed = false;
    const n = this.items;
    this.rank.reserve(Math.max(n, this.reserved));
    this.firstRecord.reserve(Math.max(n, this.reserved));
    this.rank.data.set(indexRanks(this.seed, n));
    for (let i = 0; i < n; i++) this.firstRecord.data[i] = i;
    this.rank.length = this.firstRecord.length = n;
  }

  /** `existing`, created when missing with NO_ML_USE for every item before `item`. */
  private existingUpTo(item: number): GrowInt8 {
    let ex = this.existing;
    if (ex === null) {
      ex = this.existing = new GrowInt8(1024);
      ex.reserve(Math.max(item, this.reserved));
      ex.data.fill(NO_ML_USE, 0, item);
      ex.length = item;
    }
    return ex;
  }

  /** Sets item `item`'s existing value (the item exists: `existing` covers it once created). */
  private setExisting(item: number, v: number): void {
    const ex = this.existingUpTo(this.items);
    ex.data[item] = v;
  }

  /** itemLabel, created when missing and filled with -1 (no label) up to item `item`. */
  private labelsUpTo(item: number): GrowLabels {
    let il = this.itemLabel;
    if (il === null) {
      il = this.itemLabel = new GrowLabels(1024);
      il.reserve(this.reserved);
    }
    if (il.length < item) {
      il.ensure(item);
      il.data.fill(-1, il.length, item);
      il.length = item;
    }
    return il;
  }

  private setLabel(item: number, id: number): void {
    if (!this.single) {
      this.pairItem.push(item);
      this.pairLabel.push(id);
      return;
    }
    const il = this.labelsUpTo(item);
    il.fit(id);
    il.ensure(item + 1);
    il.data[item] = id;
    il.length = item + 1;
  }

  /** Ends single-label mode: the labels so far become item/label pairs. */
  private toPairs(): void {
    if (!this.single) return;
    this.single = false;
    const il = this.itemLabel;
    this.itemLabel = null;
    if (il === null) return;
    for (let i = 0; i < il.length; i++) {
      if (il.data[i] >= 0) {
        this.pairItem.push(i);
        this.pairLabel.push(il.data[i]);
      }
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
    this.reserved = items;
    if (!this.indexed) {
      this.rank.reserve(items);
      this.firstRecord.reserve(items);
    }
    this.existing?.reserve(items);
    if (this.needs.time) this.time.reserve(items);
    if (this.needs.groups) this.group.reserve(items);
    if (this.needs.labels && !this.single) {
      this.pairItem.reserve(items);
      this.pairLabel.reserve(items);
    }
    this.itemLabel?.reserve(items);
  }

  finish(): ItemTable {
    const count = this.items;
    const common = {
      count,
      labelNames: this.labelNames.slice(),
      untimed: this.needs.time ? count - this.timed : undefined,
      hasExisting: this.anyExisting,
      group: this.needs.groups ? this.group.toArray() : undefined,
      groupRank: this.needs.groups ? this.groupRank.toArray() : undefined,
      groupCount: this.needs.groups ? this.groupRank.length : 0,
      groupSize: this.needs.groups ? this.groupSizes() : undefined,
    };
    let rank: Uint32Array | undefined;
    let firstRecord: Int32Array | undefined;
    const seed = this.seed;
    if (!this.indexed) {
      rank = this.rank.toArray();
      firstRecord = this.firstRecord.toArray();
    }
    let labelStart: Int32Array | undefined;
    let labelIds: Int32Array | undefined;
    let itemLabel: Int32Array | Int16Array | null | undefined;
    if (this.single) {
      const il = this.itemLabel;
      if (il !== null && il.length < count) this.labelsUpTo(count);
      itemLabel = il === null ? null : il.toArray();
    } else ({ labelStart, labelIds } = this.simpleLabels() ?? this.groupLabels());
    const single = itemLabel;
    const derive = (): void => {
      ({ labelStart, labelIds } = single ? labelsOfItems(single) : { labelStart: new Int32Array(count + 1), labelIds: new Int32Array(0) });
    };
    const stored = this.existing?.toArray();
    const times = this.time;
    let timeDict = this.needs.time ? times.toDict() : undefined;
    let timeSeconds = this.needs.time && !timeDict ? times.toSeconds() : undefined;
    let time = this.needs.time && !timeDict && !timeSeconds ? times.toMsArray() : undefined;
    let existing: Int8Array | undefined;
    const table: ItemTable = {
      ...common,
      get existing(): Int8Array {
        return (existing ??= stored ?? new Int8Array(count).fill(NO_ML_USE));
      },
      get time(): Float64Array | undefined {
        if (time === undefined && timeDict) time = msOfDict(timeDict);
        if (time === undefined && timeSeconds) time = msOfSeconds(timeSeconds);
        return time;
      },
      set time(v: Float64Array | undefined) {
        time = v;
        timeSeconds = undefined;
        timeDict = undefined;
      },
      get timeSeconds(): SecondTimes | undefined {
        if (timeSeconds === undefined && timeDict) timeSeconds = secondsOfDict(timeDict);
        return timeSeconds;
      },
      set timeSeconds(v: SecondTimes | undefined) {
        timeSeconds = v;
        timeDict = undefined;
      },
      get timeDict(): DictTimes | undefined {
        return timeDict;
      },
      set timeDict(v: DictTimes | undefined) {
        timeDict = v;
      },
      rankSeed: this.indexed ? seed : undefined,
      seed,
      get rank(): Uint32Array {
        return (rank ??= indexRanks(seed, count));
      },
      get firstRecord(): Int32Array {
        return (firstRecord ??= Int32Array.from({ length: count }, (_, i) => i));
      },
      get labelStart(): Int32Array {
        if (labelStart === undefined) derive();
        return labelStart!;
      },
      get labelIds(): Int32Array {
        if (labelIds === undefined) derive();
        return labelIds!;
      },
      itemLabel,
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
    const labelStart = new Int32Array(count + 1);
    // One read of the pairs builds the starts and checks the order (pairs of item i sit at p
    // exactly when the item numbers go up one pair at a time).
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p < pairs && items[p] === i) {
        p++;
        if (p < pairs && items[p] === i) return undefined;
      }
      labelStart[i + 1] = p;
    }
    if (p !== pairs) return undefined;
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
    this.jsGroupSize = null;
    this.rank = new GrowUint32(1);
    this.firstRecord = new GrowInt32(1);
    this.existing = null;
    this.time = new TimeColumn();
    this.group = new GrowGroupIds(1);
    this.groupRank = new GrowUint32(1);
    this.pairItem = new GrowInt32(1);
    this.pairLabel = new GrowInt32(1);
    this.itemLabel = null;
  }
}

/** Times in ms (NaN: none) of times in seconds. */
export function msOfSeconds(t: SecondTimes): Float64Array {
  const n = t.sec.length;
  const out = new Float64Array(n);
  const base = t.base;
  for (let i = 0; i < n; i++) {
    const x = t.sec[i];
    out[i] = x === NO_SECOND ? NaN : (base + x) * 1000;
  }
  return out;
}

/** Times in ms (NaN: none) of times in the dictionary form. */
export function msOfDict(t: DictTimes): Float64Array {
  const ms = Float64Array.from(t.dict, (x) => (t.base + x) * 1000);
  const n = t.ids.length;
  const out = new Float64Array(n);
  const none = noIdOf(t.ids);
  for (let i = 0; i < n; i++) {
    const id = t.ids[i];
    out[i] = id === none ? NaN : ms[id];
  }
  return out;
}

/** hashIndex(seed, i) for every item i < n (records below 2^32), with the seed's part computed once. */
export function indexRanks(seed: number, n: number): Uint32Array {
  const rank = new Uint32Array(n);
  const seedMix = Math.imul(seed >>> 0, 0x9e3779b1);
  for (let r = 0; r < n; r++) rank[r] = rankMix(seedMix, r);
  return rank;
}

/** hashIndex(seed, r) given seedMix = Math.imul(seed, 0x9e3779b1), for r < 2^32. */
export function rankMix(seedMix: number, r: number): number {
  return fmix32((seedMix ^ fmix32((r >>> 0) ^ 0x5bd1e995)) >>> 0);
}

/** Item i's rank (see ItemTable.rankSeed): computed when it is the item's index hash, without building `rank`. */
export function rankOf(t: ItemTable, i: number): number {
  return t.rankSeed !== undefined ? hashIndex(t.rankSeed, i) : t.rank[i];
}

/** labelStart/labelIds of items with at most one label each (label id or -1). */
export function labelsOfItems(itemLabel: Int32Array | Int16Array): { labelStart: Int32Array; labelIds: Int32Array } {
  const n = itemLabel.length;
  const labelStart = new Int32Array(n + 1);
  let p = 0;
  for (let i = 0; i < n; i++) {
    if (itemLabel[i] >= 0) p++;
    labelStart[i + 1] = p;
  }
  const labelIds = new Int32Array(p);
  for (let i = 0, q = 0; i < n; i++) if (itemLabel[i] >= 0) labelIds[q++] = itemLabel[i];
  return { labelStart, labelIds };
}

/** Each item's only label (-1: none) of a table whose items have at most one label each. */
export function singleLabels(t: ItemTable): Int32Array | Int16Array {
  if (t.itemLabel) return t.itemLabel;
  const out = new Int32Array(t.count).fill(-1);
  if (t.itemLabel === null) return out;
  const ls = t.labelStart;
  const ids = t.labelIds;
  for (let i = 0; i < t.count; i++) if (ls[i + 1] > ls[i]) out[i] = ids[ls[i]];
  return out;
}
