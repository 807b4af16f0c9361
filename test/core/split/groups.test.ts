import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { planSplit } from '../../../src/core/split';
import type { SplitOptions } from '../../../src/core/split';
import { KEY_SEED_A, KEY_SEED_B, KeyTable } from '../../../src/core/split/keys';
import { hashString } from '../../../src/core/split/prng';
import { ItemCollector } from '../../../src/core/split/table';
import type { ItemTable } from '../../../src/core/split/table';
import { groupBuckets, groupSplit } from '../../../src/core/split/strategies';
import type { Tally } from '../../../src/core/split/strategies';
import { wasmGroupKernel } from '../../../src/core/split/wasm';
import type { GroupIds } from '../../../src/core/split/keys';
import { wasmInstance } from '../../../src/core/wasm/load';
import { WASM_BASE64 } from '../../../src/core/wasm/split.wasm';

/**
 * Group ids given by pass 1 in WebAssembly (split.c groupRows and groupOf) against the JavaScript
 * reference (KeyTable, ItemCollector): the same id for every item, the same rank for every group.
 */

interface GroupKernel {
  prepare(): number;
  groupInit(): number;
  groupId(a: number, b: number): number;
  groupCount(): number;
}

describe('split: group ids in WebAssembly = KeyTable (fast-check)', function () {
  this.timeout(120000);

  it('the module table gives every hash pair the id KeyTable gives it: shared first hashes, second hashes one bit apart, growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.integer({ min: 0, max: 40 }), b: fc.integer({ min: 0, max: 40 }), big: fc.boolean() }), { maxLength: 6000, size: 'max' }),
        fc.integer(),
        (pairs, salt) => {
          const x = wasmInstance<GroupKernel>('split', WASM_BASE64);
          assert.equal(x.prepare(), 1);
          assert.equal(x.groupInit(), 1);
          const ref = new KeyTable();
          for (const [k, p] of pairs.entries()) {
            // Few distinct first hashes, all on the first slot (long probe runs), second hashes 2k and
            // 2k + 1 (KeyTable makes them odd: one key), and pairs spread
            // over 32 bits (growth past the first table of 4,096 slots).
            const a = p.big ? hashString(salt, `a${k}`) | 0 : p.a * 0x10000;
            const b = p.big ? hashString(salt, `b${k}`) | 0 : p.b;
            assert.equal(x.groupId(a, b), ref.idOfHashes(a, b), `pair ${k}`);
          }
          assert.equal(x.groupCount(), ref.size);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a table grown far past one pass of rows keeps every id (ids of 50,000 pairs asked again)', () => {
    const x = wasmInstance<GroupKernel>('split', WASM_BASE64);
    x.prepare();
    x.groupInit();
    const ref = new KeyTable();
    const n = 50_000;
    for (let i = 0; i < n; i++) assert.equal(x.groupId(hashString(KEY_SEED_A, `g${i}`), hashString(KEY_SEED_B, `g${i}`)), ref.idOfHashes(hashString(KEY_SEED_A, `g${i}`), hashString(KEY_SEED_B, `g${i}`)));
    for (let i = n - 1; i >= 0; i -= 7) assert.equal(x.groupId(hashString(KEY_SEED_A, `g${i}`), hashString(KEY_SEED_B, `g${i}`)), i);
    assert.equal(x.groupCount(), n);
  });

  // Keys the module reads, and keys it hands to JavaScript (non-ASCII, quoted, padded, blank).
  const key = fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0, max: 30 }).map((k) => `u${k}`) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((k) => `d${k}`) },
    { weight: 2, arbitrary: fc.constant('') },
    {
      weight: 2,
      arbitrary: fc.constantFrom('\u00e9t\u00e9', 'u1\u00e9', '\u{1f600}', '"u1"', '"u,2"', ' u3', 'u4 ', ' ', '"é"', 'a-much-longer-key-than-sixteen-bytes-0123456789'),
    },
    // Keys the module remembers by their bytes (up to 12) and keys too long for that; keys equal
    // but for trailing NUL bytes.
    {
      weight: 2,
      arbitrary: fc.constantFrom('0123456789ab', '0123456789ac', '0123456789ab0', '0123456789ab1', '0123456789abcdef', 'u1\u0000', 'u1\u0000\u0000', '\u0000'),
    },
  );

  const tableOf = async (text: string, opts: SplitOptions): Promise<{ group: number[]; rank: number[] } | string> => {
    try {
      const plan = await planSplit({ bytes: Buffer.from(text, 'utf8') }, opts, 'data.csv');
      const t = plan.table!;
      // Items per group as pass 1 counted them (module rows and JavaScript rows), when it did.
      if (t.groupSize) assert.deepEqual(Array.from(t.groupSize), sizesOf(t), 'items per group');
      else assert.equal(opts.fastPath, 'js', 'pass 1 in WebAssembly counts the items per group');
      return { group: Array.from(t.group!), rank: Array.from(t.groupRank!) };
    } catch (e) {
      return (e as Error).message;
    }
  };

  const sizesOf = (t: ItemTable): number[] => {
    const size = new Array<number>(t.groupCount).fill(0);
    for (const g of t.group!) size[g]++;
    return size;
  };

  it('every item the id and every group the rank of the JavaScript path: empty, non-ASCII and quoted keys, blank lines, any chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ user: key, blank: fc.integer({ min: 0, max: 30 }).map((b) => b === 0) }), { minLength: 1, maxLength: 300, size: 'max' }),
        fc.integer(),
        fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
        fc.constantFrom('\n', '\r\n'),
        async (rows, seed, chunkSize, eol) => {
          const lines = ['id,user,label'];
          rows.forEach((r, i) => {
            if (r.blank) lines.push('');
            lines.push(`${i},${r.user},l${i % 3}`);
          });
          const text = lines.join(eol) + eol;
          const opts: SplitOptions = { strategy: 'group', seed, format: 'tabular', by: 'user', chunkSize };
          assert.deepEqual(await tableOf(text, opts), await tableOf(text, { ...opts, fastPath: 'js' }), JSON.stringify(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('more groups than one pass of rows holds (8,192): new groups in every pass, rows without a key numbered across passes', async () => {
    for (const [name, user] of [
      ['distinct', (i: number) => `u${i}`],
      ['pairs', (i: number) => `u${i >> 1}`],
      ['every third empty', (i: number) => (i % 3 === 0 ? '' : `u${i % 20_000}`)],
      ['non-ASCII every 1,000', (i: number) => (i % 1000 === 1 ? `\u00fc${i}` : i % 1000 === 2 ? `"u${i}"` : `u${i % 30_000}`)],
      // Past the first 64 KB (a NUL byte there makes the file binary): keys equal but for trailing NUL bytes.
      ['trailing NUL bytes', (i: number) => `u${i % 12_000}${'\u0000'.repeat(i < 20_000 ? 0 : i % 3)}`],
      // Groups the JavaScript path starts (quoted keys), then the module's rows of the same keys.
      ['quoted first', (i: number) => (i < 1000 ? `"u${i}"` : `u${i % 1000}`)],
      ['12 and 13 bytes', (i: number) => `${String(i % 7_000).padStart(12, 'k')}${i % 2 ? '' : 'x'}`],
    ] as [string, (i: number) => string][]) {
      const lines = ['id,user'];
      for (let i = 0; i < 40_000; i++) lines.push(`${i},${user(i)}`);
      const text = lines.join('\n') + '\n';
      const opts: SplitOptions = { strategy: 'group', seed: 9, format: 'tabular', by: 'user' };
      const wasm = await tableOf(text, opts);
      const js = await tableOf(text, { ...opts, fastPath: 'js' });
      assert.ok(typeof wasm !== 'string', name);
      assert.deepEqual(wasm, js, name);
    }
  });

  it('more distinct keys than the module remembers by their bytes (786,432): the rest still get their ids', async function () {
    this.timeout(120000);
    const lines = ['user,id'];
    const n = 1_100_000;
    for (let i = 0; i < n; i++) lines.push(`k${i},${i}`);
    // Keys seen early (remembered) and late (past the limit) again.
    for (let i = 0; i < n; i += 1009) lines.push(`k${i},${i}`, `k${n - 1 - i},${i}`);
    const text = lines.join('\n') + '\n';
    const opts: SplitOptions = { strategy: 'group', seed: 4, format: 'tabular', by: 'user' };
    const wasm = await tableOf(text, opts);
    const js = await tableOf(text, { ...opts, fastPath: 'js' });
    assert.ok(typeof wasm !== 'string' && typeof js !== 'string');
    assert.equal(wasm.rank.length, n);
    assert.deepEqual(wasm.group, js.group);
    assert.deepEqual(wasm.rank, js.rank);
  });

  it('the collector keeps every group id when its table changes midway (useGroupIds), whatever adds the rows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            how: fc.constantFrom('rows', 'row', 'fact'),
            keys: fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), { minLength: 1, maxLength: 10 }),
          }),
          { maxLength: 30 },
        ),
        fc.nat(30),
        fc.integer(),
        (steps, switchAt, seed) => {
          const feed = (c: ItemCollector, table: GroupIds | null): void => {
            steps.forEach((st, i) => {
              if (i === switchAt && table) c.useGroupIds(table);
              const has = Uint8Array.from(st.keys, (k) => (k === undefined ? 0 : 1));
              const ga = Int32Array.from(st.keys, (k) => hashString(KEY_SEED_A, `g${k}`) | 0);
              const gb = Int32Array.from(st.keys, (k) => hashString(KEY_SEED_B, `g${k}`) | 0);
              const gr = Uint32Array.from(st.keys, (k) => hashString(c.groupSeed, `g${k}`));
              const n = st.keys.length;
              if (st.how === 'rows') c.addRows(n, new Int8Array(n).fill(-1), new Int32Array(n).fill(-1), new Float64Array(n).fill(NaN), has, ga, gb, gr);
              else if (st.how === 'row') st.keys.forEach((_, k) => c.addRow(-1, -1, NaN, has[k] === 1, ga[k], gb[k], gr[k]));
              else for (const k of st.keys) c.add(k === undefined ? {} : { groupKey: String(k) });
            });
          };
          const plain = new ItemCollector(seed, { labels: false, time: false, groups: true });
          feed(plain, null);
          // A table that is not a KeyTable (as the module's is), taking over after some rows.
          const inner = new KeyTable();
          const outside: GroupIds = {
            idOfHashes: (a, b) => inner.idOfHashes(a, b),
            get size() {
              return inner.size;
            },
          };
          const switched = new ItemCollector(seed, { labels: false, time: false, groups: true });
          feed(switched, outside);
          // The same, with a table that counts the items it gives ids itself (none here): the
          // collector counts every item it gave an id, before the switch and after.
          const counting = new ItemCollector(seed, { labels: false, time: false, groups: true });
          const inner2 = new KeyTable();
          feed(counting, {
            idOfHashes: (a, b) => inner2.idOfHashes(a, b),
            get size() {
              return inner2.size;
            },
            sizes: () => new Int32Array(inner2.size),
          });
          const a = plain.finish();
          const b = switched.finish();
          const c = counting.finish();
          assert.deepEqual(Array.from(b.group!), Array.from(a.group!));
          assert.deepEqual(Array.from(b.groupRank!), Array.from(a.groupRank!));
          assert.equal(a.groupSize, undefined);
          assert.deepEqual(Array.from(c.group!), Array.from(a.group!));
          if (switchAt < steps.length) assert.deepEqual(Array.from(c.groupSize!), sizesOf(c));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the module places groups as the JavaScript loop does: tied, equal and spread ranks, empty groups, any fractions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rank: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x7ff, 0x800, 0x3fffff, 0x400000, 0xffffffff)), size: fc.nat(40) }), { minLength: 1, maxLength: 3000 }),
        fc.constantFrom([0.8, 0.1, 0.1], [0.5, 0.5], [0.34, 0.33, 0.33], [0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3], [0.9, 0.1, 0]),
        fc.boolean(),
        (gs, fractions, sameRank) => {
          const G = gs.length;
          const groupRank = Uint32Array.from(gs, (g) => (sameRank ? 5 : g.rank));
          const group: number[] = [];
          gs.forEach((g, id) => {
            for (let k = 0; k < g.size; k++) group.push(id);
          });
          // Items in any order: the ids, not their order, decide.
          for (let i = group.length - 1; i > 0; i--) {
            const j = (i * 7919) % (i + 1);
            [group[i], group[j]] = [group[j], group[i]];
          }
          const t = { count: group.length, group: Int32Array.from(group), groupRank, groupCount: G, itemLabel: null, labelNames: [], existing: new Int8Array(group.length), firstRecord: new Int32Array(group.length) } as unknown as ItemTable;
          const talliesJs: Tally = {};
          const talliesWasm: Tally = {};
          const js = groupBuckets(t, fractions, talliesJs);
          const wasm = groupBuckets(t, fractions, talliesWasm, wasmGroupKernel());
          assert.deepEqual(Array.from(wasm.bucket), Array.from(js.bucket));
          assert.deepEqual(Array.from(talliesWasm.counts!), Array.from(talliesJs.counts!));
          assert.deepEqual(Array.from(groupSplit(t, fractions, undefined, wasmGroupKernel())), Array.from(groupSplit(t, fractions)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
