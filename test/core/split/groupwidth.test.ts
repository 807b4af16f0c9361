import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { planSplit, splitText } from '../../../src/core/split';
import type { SplitOptions } from '../../../src/core/split';
import { GrowGroupIds } from '../../../src/core/split/grow';
import { ItemCollector } from '../../../src/core/split/table';

/**
 * Group ids per item are kept in 16 bits while every id fits and in 32 bits from the first id
 * that does not (GrowGroupIds): against plain arrays and ids counted here, in first-seen order.
 */
describe('split: 16-bit group ids widening to 32-bit midway', function () {
  this.timeout(120000);

  it('GrowGroupIds holds what a plain array holds: -1, ids around 65,535, growth, widening at any point (fast-check)', () => {
    const value = fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0xfffc, max: 0x10002 }), fc.integer({ min: 0, max: 0x7fffffff }));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('push' as const), v: value }),
            fc.record({ op: fc.constant('set' as const), at: fc.nat(), v: value }),
            fc.record({ op: fc.constant('room' as const), n: fc.nat(3000), double: fc.boolean() }),
          ),
          { maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 8 }),
        (ops, initial) => {
          const ids = new GrowGroupIds(initial);
          const model: number[] = [];
          let wide = false;
          for (const o of ops) {
            if (o.op === 'push') {
              ids.push(o.v);
              model.push(o.v);
            } else if (o.op === 'set') {
              if (model.length === 0) continue;
              const at = o.at % model.length;
              ids.set(at, o.v);
              model[at] = o.v;
            } else {
              if (o.double) ids.ensure(o.n);
              else ids.reserve(o.n);
              assert.ok(ids.data.length >= o.n);
              continue;
            }
            wide ||= o.v > 0xfffe;
          }
          assert.equal(ids.length, model.length);
          assert.equal(ids.wide, wide);
          assert.equal(ids.data instanceof Int32Array, wide);
          for (let i = 0; i < model.length; i++) assert.equal(ids.get(i), model[i], `item ${i}`);
          const arr = ids.toArray();
          assert.equal(arr.length, model.length);
          for (let i = 0; i < model.length; i++) if (model[i] >= 0) assert.equal(arr[i], model[i], `item ${i} in toArray`);
        },
      ),
      { numRuns: 300 },
    );
  });

  /** Each row's group id counted here: the number of distinct keys before its key's first row ('#' + index for no key). */
  const expectedIds = (users: string[]): number[] => {
    const ids = new Map<string, number>();
    return users.map((u, i) => {
      const key = u === '' ? `#${i}` : `g${u.startsWith('"') ? u.slice(1, -1) : u}`;
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      return id;
    });
  };

  const csvOf = (users: string[]): string => ['id,user', ...users.map((u, i) => `${i},${u}`)].join('\n') + '\n';

  for (const fastPath of [undefined, 'js'] as const) {
    const path = fastPath ?? 'wasm';
    it(`${path}: ids of a file crossing 65,535 groups midway (distinct keys, repeats, empty and quoted keys) are the ids counted here, 16-bit before, 32-bit after`, async () => {
      const n = 90_000;
      const users: string[] = [];
      for (let i = 0; i < n; i++) {
        // Mostly new keys until past 65,535 groups, then keys seen before; some rows without a key
        // (a group each) and some with a quoted key (read by JavaScript in the module's path).
        if (i % 997 === 5) users.push('');
        else if (i % 1009 === 7) users.push(`"u${i % 50_000}"`);
        else users.push(i < 70_000 ? `u${i}` : `u${(i * 7919) % 70_000}`);
      }
      const opts: SplitOptions = { strategy: 'group', seed: 3, format: 'tabular', by: 'user', fastPath };
      const plan = await planSplit({ bytes: Buffer.from(csvOf(users), 'utf8') }, opts, 'data.csv');
      const t = plan.table!;
      const want = expectedIds(users);
      assert.ok(Math.max(...want) > 0xffff);
      assert.ok(t.group instanceof Int32Array, 'past 65,535 groups the ids are 32-bit');
      assert.deepEqual(Array.from(t.group!), want);
      assert.equal(t.groupCount, Math.max(...want) + 1);
      // Items per group as counted from the ids.
      if (t.groupSize) {
        const size = new Array<number>(t.groupCount).fill(0);
        for (const g of want) size[g]++;
        assert.deepEqual(Array.from(t.groupSize), size);
      }
      // Every item's bucket is its group's.
      const a = plan.assignment!;
      const bucketOf = new Map<number, number>();
      want.forEach((g, i) => {
        if (!bucketOf.has(g)) bucketOf.set(g, a[i]);
        assert.equal(a[i], bucketOf.get(g), `item ${i}`);
      });
    });

    it(`${path}: a file with fewer than 65,535 groups keeps 16-bit ids, the ids counted here (repeats, empty and quoted keys, last id 65,534)`, async () => {
      const users: string[] = [];
      // 65,535 groups in all: ids 0 to 65,534, the largest a 16-bit slot holds.
      for (let i = 0; i < 65_530; i++) users.push(i % 1009 === 7 ? `"u${i}"` : `u${i}`);
      for (let i = 0; i < 5; i++) users.push('');
      for (let i = 0; i < 20_000; i++) users.push(i % 1013 === 3 ? `"u${(i * 31) % 65_530}"` : `u${(i * 31) % 65_530}`);
      const want = expectedIds(users);
      assert.equal(Math.max(...want), 0xfffe);
      const opts: SplitOptions = { strategy: 'group', seed: 5, format: 'tabular', by: 'user', fastPath };
      const plan = await planSplit({ bytes: Buffer.from(csvOf(users), 'utf8') }, opts, 'data.csv');
      const t = plan.table!;
      assert.ok(t.group instanceof Uint16Array, 'ids stay 16-bit');
      assert.deepEqual(Array.from(t.group!), want);
    });
  }

  it('a large reservation waits while the ids are narrow: a file that widens early never holds a full-size narrow array', () => {
    const many = new GrowGroupIds();
    many.reserve(1_000_000);
    assert.ok(!many.wide && many.data.length < 1_000_000, `narrow array of ${many.data.length}`);
    for (let i = 0; i < 70_000; i++) many.push(i);
    // Widened at id 65,535, straight to the reserved size.
    assert.ok(many.wide && many.data.length >= 1_000_000, `wide array of ${many.data.length}`);
    for (let i = 0; i < 70_000; i += 997) assert.equal(many.get(i), i);
    // A file of few groups gets the reservation once it passes the first 2^17 items, in 16 bits.
    const few = new GrowGroupIds();
    few.reserve(1_000_000);
    const n = (1 << 17) + 5;
    few.ensure(n);
    for (let i = 0; i < n; i++) few.set(i, i % 10);
    few.length = n;
    assert.ok(!few.wide && few.data.length >= 1_000_000, `narrow array of ${few.data.length}`);
    for (let i = 0; i < n; i += 1001) assert.equal(few.get(i), i % 10);
  });

  it('the collector widens midway whatever adds the rows (records with keys, rows of hashes): ids in first-seen order', () => {
    const c = new ItemCollector(7, { labels: false, time: false, groups: true });
    const want: number[] = [];
    const ids = new Map<string, number>();
    const idOf = (k: string): number => {
      let id = ids.get(k);
      if (id === undefined) ids.set(k, (id = ids.size));
      return id;
    };
    for (let i = 0; i < 80_000; i++) {
      const k = i < 66_000 ? `k${i}` : `k${(i * 13) % 66_000}`;
      if (i % 5 === 0) {
        c.add({});
        want.push(idOf(`#${i}`));
      } else {
        c.add({ groupKey: k });
        want.push(idOf(`g${k}`));
      }
    }
    const t = c.finish();
    assert.ok(t.group instanceof Int32Array);
    assert.deepEqual(Array.from(t.group!), want);
  });
  for (const [groups, width] of [
    [3_000, '16-bit'],
    [70_000, '32-bit'],
  ] as const) {
    it(`pass 2 in WebAssembly gathers each item's split through its group (${width} ids): the bytes of the JavaScript pass 2, every group in one split, blank lines and short rows`, async () => {
      const lines = ['id,user,label,note'];
      const users: string[] = [];
      // More items than one gather of the module (65,536), not a multiple of it.
      for (let i = 0; i < 150_001; i++) {
        if (i % 4999 === 3) lines.push('');
        const u = i % 1013 === 9 ? '' : `u${(i * 7919) % groups}`;
        users.push(u);
        // Some rows without their last field (padded by pass 2).
        lines.push(i % 2003 === 1 ? `${i},${u},l${i % 3}` : `${i},${u},l${i % 3},n`);
      }
      const text = lines.join('\n') + '\n';
      const opts: SplitOptions = { strategy: 'group', seed: 21, format: 'tabular', by: 'user' };
      const wasm = await splitText(text, opts, 'data.csv');
      const js = await splitText(text, { ...opts, fastPath: 'js' }, 'data.csv');
      const t = wasm.plan.table!;
      assert.ok(width === '16-bit' ? t.group instanceof Uint16Array : t.group instanceof Int32Array);
      assert.equal(wasm.outputs[0], js.outputs[0]);
      assert.deepEqual(wasm.plan.report, js.plan.report);
      // Read back: each item's split is its group's.
      const rows = wasm.outputs[0].split('\n').slice(1).filter((l) => l !== '');
      assert.equal(rows.length, users.length);
      const splitOf = new Map<string, string>();
      rows.forEach((l, i) => {
        const cells = l.split(',');
        assert.equal(cells[0], String(i));
        const split = cells[cells.length - 1];
        assert.ok(['training', 'validation', 'test'].includes(split), l);
        if (users[i] === '') return;
        if (!splitOf.has(users[i])) splitOf.set(users[i], split);
        assert.equal(split, splitOf.get(users[i]), `row ${i}`);
      });
      assert.ok(new Set(splitOf.values()).size === 3);
    });
  }
});
