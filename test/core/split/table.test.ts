import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ItemCollector, rankOf, singleLabels } from '../../../src/core/split/table';
import { hashIndex, hashString } from '../../../src/core/split/prng';
import { KEY_SEED_A, KEY_SEED_B, KeyTable } from '../../../src/core/split/keys';
import { MAX_IDS, NO_ID, NO_ID8, NO_SECOND, TimeColumn, noIdOf } from '../../../src/core/split/times';

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

describe('split item collector: rows, records and keys mixed', () => {
  it('rows in batches, single records and keyed records give the table their facts describe (ranks, first records, labels, ml_use)', () => {
    const names = ['a', 'b', 'c', 'd'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('rows' as const), rows: fc.array(fc.record({ label: fc.integer({ min: -1, max: 3 }), ml: fc.integer({ min: -2, max: 2 }), time: fc.constantFrom(NaN, 5, 7) }), { maxLength: 12 }) }),
      fc.record({ kind: fc.constant('fact' as const), labels: fc.array(fc.constantFrom(...names), { maxLength: 3 }), ml: fc.integer({ min: -2, max: 2 }), time: fc.constantFrom(undefined, NaN, 3) }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 20 }),
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 5 }), labels: fc.array(fc.constantFrom(...names), { maxLength: 2 }), time: fc.constantFrom(undefined, NaN, 4, 2) }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.boolean(),
        (steps, keyed, seed, reserve) => {
          const c = new ItemCollector(seed, { labels: true, time: true, groups: false });
          // Label ids in order of first appearance, as the collector assigns them.
          for (const n of names) c.labelId(n);
          if (reserve) c.reserve(50);
          const expected: { rank: number; first: number; labels: string[]; ml: number; time: number }[] = [];
          let record = 0;
          for (const s of steps) {
            if (s.kind === 'rows') {
              const n = s.rows.length;
              const z = new Int32Array(n);
              c.addRows(n, Int8Array.from(s.rows, (r) => r.ml), Int32Array.from(s.rows, (r) => r.label), Float64Array.from(s.rows, (r) => r.time), new Uint8Array(n), z, z, new Uint32Array(n));
              for (const r of s.rows) expected.push({ rank: hashIndex(seed >>> 0, record), first: record++, labels: r.label >= 0 ? [names[r.label]] : [], ml: r.ml, time: r.time });
            } else {
              c.add({ labels: s.labels, mlUse: s.ml, time: s.time });
              expected.push({ rank: hashIndex(seed >>> 0, record), first: record++, labels: [...new Set(s.labels)], ml: s.ml, time: s.time ?? NaN });
            }
          }
          const itemOf = new Map<number, number>();
          for (const k of keyed) {
            c.add({ itemKey: `k${k.key}`, labels: k.labels, time: k.time });
            let item = itemOf.get(k.key);
            if (item === undefined) {
              item = expected.length;
              itemOf.set(k.key, item);
              expected.push({ rank: hashString(seed >>> 0, `k${k.key}`), first: record, labels: [], ml: -1, time: NaN });
            }
            // The earliest time of the item's records.
            if (k.time !== undefined && !Number.isNaN(k.time) && !(expected[item].time <= k.time)) expected[item].time = k.time;
            record++;
            for (const l of k.labels) if (!expected[item].labels.includes(l)) expected[item].labels.push(l);
          }
          const t = c.finish();
          assert.equal(t.count, expected.length);
          assert.deepEqual(Array.from(t.rank), expected.map((e) => e.rank));
          assert.deepEqual(Array.from({ length: t.count }, (_, i) => rankOf(t, i)), expected.map((e) => e.rank));
          assert.deepEqual(Array.from(t.firstRecord), expected.map((e) => e.first));
          assert.deepEqual(Array.from(t.existing), expected.map((e) => e.ml));
          if (t.hasExisting === false) assert.ok(expected.every((e) => e.ml < 0));
          assert.deepEqual(Array.from(t.time!), expected.map((e) => e.time));
          assert.equal(t.untimed, expected.filter((e) => Number.isNaN(e.time)).length);
          const got = Array.from({ length: t.count }, (_, i) => Array.from(t.labelIds.subarray(t.labelStart[i], t.labelStart[i + 1]), (id) => t.labelNames[id]));
          assert.deepEqual(got, expected.map((e) => e.labels));
          if (t.itemLabel !== undefined) {
            // The single-label form says the same as the lists.
            assert.ok(expected.every((e) => e.labels.length <= 1));
            assert.deepEqual(Array.from(singleLabels(t)), got.map((l) => (l.length ? names.indexOf(l[0]) : -1)));
            if (t.itemLabel === null) assert.ok(got.every((l) => l.length === 0));
          }
          if (keyed.length === 0) assert.equal(t.rankSeed, seed >>> 0);
          else assert.equal(t.rankSeed, undefined);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('split item collector: label ids beyond two bytes', () => {
  it('item labels kept in two bytes widen to four at the first id above 32,767, keeping the earlier ones', () => {
    for (const via of ['rows', 'record'] as const) {
      const c = new ItemCollector(3, { labels: true, time: false, groups: false });
      const names = Array.from({ length: 40_000 }, (_, i) => `n${i}`);
      for (const n of names) c.labelId(n);
      const want: number[] = [];
      const rows = (ids: number[]): void => {
        const k = ids.length;
        const z = new Int32Array(k);
        c.addRows(k, new Int8Array(k).fill(-1), Int32Array.from(ids), new Float64Array(k), new Uint8Array(k), z, z, new Uint32Array(k));
        want.push(...ids);
      };
      rows([-1, 5, 32_767, -1, 7]);
      if (via === 'rows') rows([3, 39_999, -1, 32_768]);
      else {
        c.add({ labels: ['n39999'] });
        want.push(39_999);
      }
      rows([-1, 12, 20_000]);
      const t = c.finish();
      assert.deepEqual(Array.from(t.itemLabel!), want);
      assert.ok(t.itemLabel instanceof Int32Array);
      const got = Array.from({ length: t.count }, (_, i) => Array.from(t.labelIds.subarray(t.labelStart[i], t.labelStart[i + 1])));
      assert.deepEqual(got, want.map((l) => (l >= 0 ? [l] : [])));
    }
    // Ids that fit stay in two bytes.
    const c = new ItemCollector(3, { labels: true, time: false, groups: false });
    c.labelId('a');
    c.addRows(2, new Int8Array(2).fill(-1), Int32Array.from([0, -1]), new Float64Array(2), new Uint8Array(2), new Int32Array(2), new Int32Array(2), new Uint32Array(2));
    const t = c.finish();
    assert.ok(t.itemLabel instanceof Int16Array);
    assert.deepEqual(Array.from(t.itemLabel), [0, -1]);
  });
});

describe('split key table: ids of a run of rows in one call', () => {
  it('idsOfHashes gives each row the id idOfHashes gives it, in order, through growth, stopping at rows without a key', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 3000 }), has: fc.integer({ min: 0, max: 19 }).map((x) => x > 0) }), { maxLength: 3000 }),
        fc.integer({ min: 1, max: 64 }),
        (rows, cap) => {
          const one = new KeyTable(cap);
          const batch = new KeyTable(cap);
          // Hashes as the module gives them (signed 32-bit); keys that share a first hash collide on purpose.
          const ga = Int32Array.from(rows, (r) => hashString(KEY_SEED_A, `g${r.key >> 1}`) | 0);
          const gb = Int32Array.from(rows, (r) => hashString(KEY_SEED_B, `g${r.key}`) | 0);
          const has = Uint8Array.from(rows, (r) => (r.has ? 1 : 0));
          const n = rows.length;
          const want = new Int32Array(n);
          for (let k = 0; k < n; k++) want[k] = has[k] ? one.idOfHashes(ga[k], gb[k]) : one.idOf(`#${k}`);
          const got = new Int32Array(n + 5).fill(-7);
          for (let k = 0; k < n; ) {
            k = batch.idsOfHashes(ga, gb, has, k, n, got, 5);
            if (k < n) {
              got[5 + k] = batch.idOf(`#${k}`);
              k++;
            }
          }
          assert.deepEqual(Array.from(got.subarray(5)), Array.from(want));
          assert.equal(batch.size, one.size);
          // The table itself holds every key: looking them up again makes no new id.
          for (let k = 0; k < n; k++) if (has[k]) assert.equal(batch.idOfHashes(ga[k], gb[k]), want[k]);
          assert.equal(batch.size, one.size);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('split time column (dictionary ids while few distinct times, else 32-bit seconds while every time is one, else milliseconds)', () => {
  it('holds the same times as a plain array of milliseconds, whatever the operations and values', () => {
    // Whole seconds near each other, far apart (past 2^31 s), milliseconds, -0, NaN (no time).
    const ms = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: -50, max: 50 }).map((s) => (1_700_000_000 + s) * 1000) },
      { weight: 1, arbitrary: fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }).map((s) => (1_700_000_000 + s) * 1000) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, -0, 0, 1_700_000_000_123, 1_700_000_000_500.5, 2 ** 53 + 2, -(2 ** 53)) },
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), ms }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), ms }),
      fc.record({ kind: fc.constant('seconds' as const), base: fc.oneof(fc.constant(NaN), fc.integer({ min: 1_699_999_990, max: 1_700_000_010 })), xs: fc.array(fc.oneof(fc.integer({ min: -100, max: 100 }), fc.constant(NO_SECOND)), { maxLength: 6 }), summary: fc.boolean() }),
      fc.record({ kind: fc.constant('ms' as const), xs: fc.array(ms, { maxLength: 6 }) }),
      fc.record({ kind: fc.constant('ids' as const), picks: fc.array(fc.nat(), { maxLength: 6 }), other: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const col = new TimeColumn();
        const model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            col.push(o.ms);
            model.push(o.ms);
          } else if (o.kind === 'set') {
            if (model.length === 0) continue;
            col.set(o.at % model.length, o.ms);
            model[o.at % model.length] = o.ms;
          } else if (o.kind === 'seconds') {
            // Offsets from a base with no base (NaN) come only as NO_SECOND (pass 1 before any time).
            const xs = Number.isNaN(o.base) ? o.xs.map(() => NO_SECOND) : o.xs;
            const timed = xs.filter((x) => x !== NO_SECOND);
            col.appendSeconds(Int32Array.from(xs), xs.length, o.base, o.summary && timed.length ? Math.min(...timed) : undefined, o.summary && timed.length ? Math.max(...timed) : undefined);
            for (const x of xs) model.push(x === NO_SECOND ? NaN : (o.base + x) * 1000);
          } else if (o.kind === 'ids') {
            // Ids pass 1 gives: entries of the dictionary so far, or none (pick 0).
            const size = col.dictSize;
            // In the width of the column's ids (pass 1 writes them so), or the other (the column converts).
            const none = (col.mode === 4) !== o.other ? NO_ID8 : NO_ID;
            const ids = o.picks.map((p) => (p % (size + 1) === size ? none : p % (size + 1)));
            col.appendIds(none === NO_ID8 ? Uint8Array.from(ids) : Uint16Array.from(ids), ids.length);
            for (const id of ids) model.push(id === none ? NaN : col.dictSecond(id) * 1000);
          } else {
            col.appendMs(Float64Array.from(o.xs), o.xs.length);
            model.push(...o.xs);
          }
        }
        assert.equal(col.length, model.length);
        // Equal as numbers (-0 and 0 compare equal, as the split compares times).
        const got = Array.from({ length: model.length }, (_, i) => col.get(i));
        got.forEach((g, i) => assert.ok(g === model[i] || (Number.isNaN(g) && Number.isNaN(model[i])), `item ${i}: ${g} != ${model[i]}`));
        assert.deepEqual(Array.from(col.toMsArray()).map((x) => x + 0), model.map((x) => x + 0));
        const d = col.toDict();
        if (d) {
          assert.equal(col.mode, d.ids instanceof Uint8Array ? 4 : 3);
          // 8-bit ids until the 256th distinct time.
          assert.equal(d.ids instanceof Uint8Array, d.dict.length < 256);
          d.ids.forEach((id, i) => assert.ok(id === noIdOf(d.ids) ? Number.isNaN(model[i]) : (d.base + d.dict[id]) * 1000 === model[i], `id ${id} of item ${i}`));
          assert.equal(new Set(d.dict).size, d.dict.length);
          // Items per id, counted as they came.
          const hist = new Array<number>(d.dict.length).fill(0);
          for (const id of d.ids) if (id !== noIdOf(d.ids)) hist[id]++;
          assert.deepEqual(Array.from(d.count!), hist);
        }
        const s = col.toSeconds();
        if (s) {
          // Every stored second lies in [min, max]; base + offset gives the time back.
          s.sec.forEach((x, i) => {
            if (x === NO_SECOND) assert.ok(Number.isNaN(model[i]));
            else {
              assert.ok(x >= s.min && x <= s.max, `offset ${x} outside [${s.min}, ${s.max}]`);
              assert.ok((s.base + x) * 1000 === model[i], `offset ${x} from ${s.base}: not ${model[i]}`);
            }
          });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps 8-bit ids into a dictionary up to 255 distinct times, 16-bit up to MAX_IDS, then 32-bit seconds (every time kept), then ms', () => {
    const col = new TimeColumn();
    const model: number[] = [];
    const put = (ms: number): void => {
      col.push(ms);
      model.push(ms);
    };
    const same = (): void => {
      assert.equal(col.length, model.length);
      const got = col.toMsArray();
      for (let i = 0; i < model.length; i++) assert.ok(got[i] === model[i] || (Number.isNaN(got[i]) && Number.isNaN(model[i])), `item ${i}`);
    };
    const base = 1_700_000_000;
    // Items enough for the dictionary not to be crowded (at most one time per 8 items).
    for (let k = 0; k < 8 * MAX_IDS; k++) put(NaN);
    // Repeats and items without a time in between cost no entry.
    for (let k = 0; k < MAX_IDS; k++) {
      if (k === 255) {
        assert.equal(col.mode, 4);
        same();
      }
      put((base + 60 * (k % 2 === 0 ? k : -k)) * 1000);
      if (k === 255) assert.equal(col.mode, 3);
      if (k % 100 === 0) {
        put(NaN);
        put(base * 1000);
      }
    }
    const d = col.toDict()!;
    const count = new Array<number>(MAX_IDS).fill(0);
    for (const id of d.ids) if (id !== NO_ID) count[id]++;
    assert.deepEqual(Array.from(d.count!), count);
    assert.equal(col.mode, 3);
    assert.equal(col.dictSize, MAX_IDS);
    same();
    // A time already in the dictionary keeps the form; a new one past MAX_IDS leaves it.
    put(base * 1000);
    assert.equal(col.mode, 3);
    put((base + 7) * 1000);
    assert.equal(col.mode, 1);
    same();
    const s = col.toSeconds()!;
    assert.equal(s.base, base);
    assert.ok(s.min <= -60 * (MAX_IDS - 2) && s.max >= 60 * (MAX_IDS - 1));
    // Rows pass 1 read before it learnt of the change still come in as ids.
    col.appendIds(Uint16Array.from([0, NO_ID, 5]), 3);
    model.push(col.dictSecond(0) * 1000, NaN, col.dictSecond(5) * 1000);
    assert.equal(col.dictSecond(5), base - 300);
    same();
    put(1_700_000_000_500);
    assert.equal(col.mode, 2);
    same();
    // A crowded dictionary (4,096 times or more, more than one per 8 items) is given up for seconds.
    const crowded = new TimeColumn();
    for (let k = 0; k < 4096; k++) crowded.push((base + k) * 1000);
    assert.equal(crowded.mode, 3);
    assert.ok(crowded.crowded);
    crowded.push((base + 5) * 1000);
    assert.equal(crowded.mode, 3);
    crowded.push((base - 1) * 1000);
    assert.equal(crowded.mode, 1);
    assert.deepEqual(Array.from(crowded.toMsArray()), [...Array.from({ length: 4096 }, (_, k) => (base + k) * 1000), (base + 5) * 1000, (base - 1) * 1000]);
    // Straight from the dictionary to ms: a time far from the first (past 2^31 s).
    const far = new TimeColumn();
    far.push(base * 1000);
    far.push(NaN);
    far.push((base + 3_000_000_000) * 1000);
    assert.equal(far.mode, 2);
    assert.deepEqual(Array.from(far.toMsArray()), [base * 1000, NaN, (base + 3_000_000_000) * 1000]);
  });
});
