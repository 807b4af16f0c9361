import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { outcome, strategies, textOf } from './tableText';
import { SplitError, splitFile, splitText } from '../../../src/core/split';
import type { SplitOptions, StrategyName } from '../../../src/core/split';
import { allocate } from '../../../src/core/split/fractions';
import { StreamingAssigner } from '../../../src/core/split/strategies';
import { planSplit } from '../../../src/core/split/run';

/**
 * The WebAssembly fast path of tabular CSVs (src/core/wasm/split.c) against the JavaScript fast
 * path it replaces (fastPath: 'js'), which stays as the reference: same bytes, same report, same
 * refusal, on CSVs with quotes, quoted LF/CR, CRLF/CR/LF, blank, ragged and padded rows,
 * non-ASCII, and chunk sizes that cut records anywhere; from memory and from files on disk.
 */

const plain = fc.stringMatching(/^[a-z0-9._-]{0,6}$/);
const value = fc.oneof(
  { weight: 8, arbitrary: plain },
  { weight: 1, arbitrary: fc.constantFrom(' a', 'b ', '\u00e9t\u00e9', 'x\u00a0', '\t', '', '  ', '\u{1f600}') },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }).map((s) => `"${s.replace(/"/g, '""')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"a,b"', '"line\nbreak"', '"cr\rin"', '"crlf\r\nin"', '"q""q"', '""', 'a"b', '"open') },
);
const timestamp = fc.oneof(
  fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19) + 'Z'),
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.integer({ min: 0, max: 4_000_000_000 }).map(String),
  fc.constantFrom('2024-02-31', '2023-02-29', '2024-02-29', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:60:00Z', '2024-12-31T23:59:60Z', '2024-13-01', '0099-01-01', '2024-01-01T10:00:00+02:00', '2024-01-01 10:00:00', '2024-01-01t10:00:00z', '2024-01-01T10:00:00.250Z', ' 2024-01-01', '1e3', '-5', '', '"2024-01-01"', '123456789012345', 'soon'),
);
const mlUse = fc.constantFrom('training', 'validation', 'test', 'TEST', 'Train', '', 'unassigned', 'bogus', ' test', '"test"', 'test\u00e9');

interface Table {
  header: string[];
  rows: string[][];
  eols: string[];
  blanks: number[];
  last: boolean;
}

const table: fc.Arbitrary<Table> = fc
  .record({
    mlAt: fc.integer({ min: -1, max: 5 }),
    // The k-fold strategies write (and ignore the values of) a 'fold' column.
    splitName: fc.constantFrom('ml_use', 'fold'),
    rows: fc.array(
      fc.record({
        id: fc.nat(99),
        label: fc.oneof(fc.constantFrom('cat', 'dog', 'emu', 'c\u00e4t', 'a-much-longer-label-value-spanning-blocks'), value),
        ts: timestamp,
        user: fc.oneof(fc.constantFrom('u1', 'u2', 'u3'), value),
        note: fc.oneof(plain, value, fc.string({ minLength: 20, maxLength: 90 }).map((s) => s.replace(/[",\r\n]/g, '_'))),
        ml: mlUse,
        cut: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }) }),
        extra: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
    eol: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
    blanks: fc.array(fc.nat(40), { maxLength: 3 }),
    last: fc.boolean(),
  })
  .map(({ mlAt, splitName, rows, eol, blanks, last }) => {
    const header = ['id', 'label', 'ts', 'user', 'note'];
    if (mlAt >= 0) header.splice(mlAt, 0, splitName);
    const out = rows.map((r) => {
      const cells = [String(r.id), r.label, r.ts, r.user, r.note];
      if (mlAt >= 0) cells.splice(mlAt, 0, r.ml);
      const cut = r.cut >= 0 ? cells.slice(0, r.cut) : cells;
      return r.extra ? [...cut, 'more'] : cut;
    });
    return { header, rows: out, eols: eol, blanks, last };
  });




function optionsFor(strategy: StrategyName, seed: number, chunkSize: number | undefined): SplitOptions {
  return {
    strategy,
    seed,
    k: 3,
    format: 'tabular',
    chunkSize,
    by: strategy === 'group' ? 'user' : strategy.startsWith('stratified') ? 'label' : undefined,
    timeField: strategy === 'temporal' ? 'ts' : undefined,
  };
}

describe('split: WebAssembly fast path = JavaScript fast path (fast-check)', function () {
  this.timeout(180000);

  it('same bytes, report or refusal for every strategy, chunk size and line ending (in memory)', async () => {
    await fc.assert(
      fc.asyncProperty(table, strategies, fc.integer(), fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }), async (t, strategy, seed, chunkSize) => {
        const text = textOf(t);
        const opts = optionsFor(strategy, seed, chunkSize);
        const wasm = await outcome(text, opts);
        const js = await outcome(text, { ...opts, fastPath: 'js' });
        assert.deepEqual(wasm, js, JSON.stringify(text));
      }),
      { numRuns: 600 },
    );
  });

  it('same bytes from files on disk (synchronous reads into wasm memory, direct writes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vd-split-wasm-'));
    try {
      await fc.assert(
        fc.asyncProperty(table, strategies, fc.integer(), fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }), async (t, strategy, seed, chunkSize) => {
          const input = join(dir, 'in.csv');
          writeFileSync(input, textOf(t));
          const opts = optionsFor(strategy, seed, chunkSize);
          const run = async (o: SplitOptions, out: string): Promise<unknown> => {
            try {
              const r = await splitFile(input, o, out);
              return { text: readFileSync(out, 'latin1'), report: { ...r.plan.report } };
            } catch (e) {
              return { error: (e as Error).message };
            }
          };
          assert.deepEqual(await run(opts, join(dir, 'a.csv')), await run({ ...opts, fastPath: 'js' }, join(dir, 'a.csv')));
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rows longer than the output area, more labels than the module keeps, very wide needs', async () => {
    const huge = 'x'.repeat(3 << 20);
    const rows = ['id,label,ts,user'];
    for (let i = 0; i < 40_000; i++) rows.push(`${i},lab${i},${1_600_000_000 + (i % 7)},u${i % 13}`);
    rows.splice(5, 0, `5,${huge},1600000000,u1`);
    const text = rows.join('\n') + '\n';
    for (const strategy of ['random', 'stratified', 'group', 'temporal'] as StrategyName[]) {
      const opts = optionsFor(strategy, 7, undefined);
      assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }), strategy);
    }
    // The label in column 300: beyond the columns the module reads, so every row takes the per-record path.
    const wide = Array.from({ length: 301 }, (_, k) => `c${k}`);
    const wideRows = [wide.join(',')];
    for (let i = 0; i < 50; i++) wideRows.push(wide.map((_, k) => (k === 300 ? `l${i % 3}` : `${i}`)).join(','));
    const wideText = wideRows.join('\n');
    const opts: SplitOptions = { strategy: 'stratified', seed: 3, format: 'tabular', by: 'c300' };
    assert.deepEqual(await outcome(wideText, opts), await outcome(wideText, { ...opts, fastPath: 'js' }));
  });

  it('what pass 1 sums up about its rows (existing splits, largest label, rows with a time) = what the rows hold', async () => {
    // Rows cut after the ml_use column are read by the module without a time; a file whose only
    // label is id 0; existing values from some row on; rows enough for several batches.
    const rows = ['id,ml_use,ts,label'];
    for (let i = 0; i < 20_000; i++) {
      const ml = i >= 12_345 && i % 3 === 0 ? 'test' : '';
      rows.push(i % 5_000 === 4_999 ? `${i},${ml}` : `${i},${ml},${1_600_000_000 + (i % 11)},only`);
    }
    const text = rows.join('\n') + '\n';
    for (const strategy of ['temporal', 'stratified', 'manual', 'random'] as StrategyName[]) {
      for (const t of [text, text.replace(/,\d+,only\n/g, ',1600000000,only\n')]) {
        const opts: SplitOptions = { strategy, seed: 5, format: 'tabular', by: strategy === 'stratified' ? 'label' : undefined, timeField: strategy === 'temporal' ? 'ts' : undefined };
        assert.deepEqual(await outcome(t, opts), await outcome(t, { ...opts, fastPath: 'js' }), strategy);
      }
    }
  });

  it('labels that differ in one byte anywhere in their first 24, as the last column or not (the module keeps labels it met lately by their bytes)', async () => {
    // Two letters: many labels share all but one byte, on either side of the 8- and 16-byte words
    // the module compares, and one label is often a prefix of another.
    const label = fc.array(fc.constantFrom('a', 'b'), { minLength: 1, maxLength: 24 }).map((c) => c.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(label, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 200 }),
        fc.boolean(),
        fc.integer(),
        fc.constantFrom<StrategyName>('stratified', 'stratified-kfold'),
        async (names, picks, lastColumn, seed, strategy) => {
          const rows = picks.map((p, i) => (lastColumn ? `${i},${names[p % names.length]}` : `${i},${names[p % names.length]},x${i % 3}`));
          const text = (lastColumn ? 'id,label\n' : 'id,label,x\n') + rows.join('\n') + '\n';
          const opts = optionsFor(strategy, seed, undefined);
          assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }), text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('labels of the same length that share a slot of the module\'s recent labels, differing in either 8-byte word', async () => {
    // The slot of a label of up to 16 bytes, as split.c `recentSlot` computes it from the label's
    // bytes as two little-endian words (zero past the label).
    const M = (1n << 64n) - 1n;
    const slotOf = (l: string): bigint => {
      const b = Buffer.alloc(16);
      b.write(l, 'latin1');
      const w0 = b.readBigUInt64LE(0);
      const w1 = b.readBigUInt64LE(8);
      return (((w0 ^ ((w1 * 0x9e3779b97f4a7c15n) & M)) * 0xff51afd7ed558ccdn) & M) >> 52n;
    };
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 16 }), fc.boolean(), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer(), async (n, high, start, seed) => {
        // A label and another in its slot that differs only within bytes [lo, hi).
        const [lo, hi] = n > 8 && high ? [8, n] : [0, Math.min(n, 8)];
        let x = start;
        const next = (): number => (x = (Math.imul(x, 48271) >>> 0) % 2147483647);
        const base = Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join('');
        let other = '';
        for (let tries = 0; tries < 200_000 && !other; tries++) {
          const c = base.split('');
          for (let k = lo; k < hi; k++) if (next() % 2) c[k] = alphabet[next() % alphabet.length];
          const cand = c.join('');
          if (cand !== base && slotOf(cand) === slotOf(base)) other = cand;
        }
        if (!other) return;
        const rows = Array.from({ length: 60 }, (_, i) => `${i},${i % 3 === 0 ? base : other}`);
        const text = 'id,label\n' + rows.join('\n') + '\n';
        const opts = optionsFor('stratified', seed, undefined);
        assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }), text);
      }),
      { numRuns: 40 },
    );
  });

  it('the times pass 1 reads (through its cache of timestamps, as 32-bit seconds or as milliseconds) = the JavaScript reading', async () => {
    // Timestamps that share most of their bytes (same date, other times; a date alone, then more
    // bytes after it in the row), valid and not, whole seconds near and far, and milliseconds.
    const rare = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 30, arbitrary: common }, { weight: 1, arbitrary: odd });
    const two = (n: number): string => String(n).padStart(2, '0');
    const stamp = rare(
      fc
        .tuple(
          fc.constantFrom('2024-02-', '2023-02-', '2024-12-', '1999-01-', '2024-04-', '2024-02-'),
          rare(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 31 })),
          fc.constantFrom('', 'T', 't', ' '),
          rare(fc.integer({ min: 10, max: 11 }), fc.integer({ min: 0, max: 25 })),
          fc.constantFrom(0, 30, 59),
          fc.oneof(fc.integer({ min: 0, max: 2 }), fc.nat(59)),
          fc.constantFrom('', 'Z', 'z'),
        )
        .map(([ym, d, sep, h, m, sec, z]) => `${ym}${two(d)}${sep === '' ? '' : `${sep}${two(h)}:${two(m)}:${two(sec)}${z}`}`),
      fc.constantFrom('1700000000', '1700000000000', '1700000000123', '9999-12-31T23:59:59Z', '1000-01-01', '2100-01-01T00:00:00Z', '1900-01-01', '0', '2024-01-01T10:00:00+01:00', '', 'x'),
    );
    let read = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(stamp, fc.constantFrom('', '0', 'Z', '2024-02-01')), { minLength: 1, maxLength: 120 }), fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), async (rows, chunkSize) => {
        const text = 'id,ts,after\n' + rows.map(([t, a], i) => `${i},${t},${a}\n`).join('');
        const opts: SplitOptions = { strategy: 'temporal', seed: 3, format: 'tabular', timeField: 'ts', chunkSize };
        const times = async (o: SplitOptions): Promise<unknown> => {
          const plan = await planSplit({ bytes: Buffer.from(text, 'latin1') }, o, 'data.csv').catch(() => null);
          // A refusal (some row without a time) is compared by the outcomes below.
          return plan ? Array.from(plan.table!.time!) : null;
        };
        const wasm = await times(opts);
        if (wasm) read++;
        assert.deepEqual(wasm, await times({ ...opts, fastPath: 'js' }), text);
        assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }), text);
      }),
      { numRuns: 300 },
    );
    // Most runs have a time in every row (else the split is refused and only the refusals compare).
    assert.ok(read > 100, `${read} runs with times`);
  });

  it('times kept as dictionary ids (few distinct), switching to 32-bit seconds past 65,535 distinct midway through pass 1, or to ms: the same times and split as JavaScript', async function () {
    this.timeout(120000);
    const iso = (sec: number): string => new Date(sec * 1000).toISOString().slice(0, 19) + 'Z';
    const base = 1_700_000_000;
    // [name, row count, the time of row i, the form pass 1 ends with (3 dictionary, 1 seconds, 2 ms)]
    const cases: [string, number, (i: number) => string, number][] = [
      // 8-bit ids until the 256th distinct time, then 16-bit.
      ['ISO, 336 distinct', 20_000, (i) => iso(base + 3600 * ((i * 7919) % 336)), 3],
      ['dates only', 5_000, (i) => iso(base + 86400 * (i % 40)).slice(0, 10), 3],
      ['Unix seconds', 5_000, (i) => String(base + 60 * ((i * 31) % 500)), 3],
      ['Unix ms, whole seconds', 5_000, (i) => String((base + 60 * ((i * 31) % 500)) * 1000), 3],
      ['a few ms that are not whole seconds', 5_000, (i) => (i === 4000 ? String(base * 1000 + 250) : String((base + (i % 30)) * 1000)), 2],
      ['a date past 2^31 s from the first', 3_000, (i) => (i === 2000 ? '9999-12-31' : iso(base + (i % 30))), 2],
      // 30,000 rows of 100 times, then a new second per row: the 65,536th distinct comes midway.
      ['past 65,535 distinct', 110_000, (i) => iso(i < 30_000 ? base + 3600 * (i % 100) : base + 7 + i), 1],
      ['past 65,535 distinct, Unix seconds', 80_000, (i) => String(base - i), 1],
      // More than one time per 8 items past 4,096 times: the seconds form early; fewer: ids.
      ['crowded', 20_000, (i) => iso(base + 60 * (i % 10_000)), 1],
      ['not crowded', 60_000, (i) => iso(base + 60 * Math.floor(i / 10)), 3],
    ];
    for (const [name, n, time, form] of cases) {
      const text = 'id,ts,after\n' + Array.from({ length: n }, (_, i) => `${i},${time(i)},${i % 3}\n`).join('');
      for (const fr of [undefined, [0.5, 0.3, 0.2]]) {
        const opts: SplitOptions = { strategy: 'temporal', seed: n, format: 'tabular', timeField: 'ts', fractions: fr };
        const plans = await Promise.all([opts, { ...opts, fastPath: 'js' as const }].map((o) => planSplit({ bytes: Buffer.from(text, 'latin1') }, o, 'data.csv')));
        const [wasm, js] = plans.map((p) => p.table!);
        assert.equal(wasm.timeDict !== undefined, form === 3, name);
        assert.equal(js.timeDict !== undefined, form === 3, name);
        for (const d of [wasm.timeDict, js.timeDict]) {
          if (!d) continue;
          assert.equal(d.ids instanceof Uint8Array, d.dict.length < 256, name);
          // Items per id, counted as they came (by the module for the rows it read).
          const hist = new Array<number>(d.dict.length).fill(0);
          for (const id of d.ids) hist[id]++;
          assert.deepEqual(Array.from(d.count!), hist, name);
        }
        assert.equal(wasm.timeSeconds !== undefined, form !== 2, name);
        assert.deepEqual(Array.from(wasm.time!), Array.from(js.time!), name);
        assert.deepEqual(Array.from(plans[0].assignment!), Array.from(plans[1].assignment!), name);
        assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }), name);
      }
      const cut: SplitOptions = { strategy: 'temporal', seed: 1, format: 'tabular', timeField: 'ts', cutoffs: [(base + 3600) * 1000, (base + 86400 * 3) * 1000] };
      assert.deepEqual(await outcome(text, cut), await outcome(text, { ...cut, fastPath: 'js' }), name);
    }
  });

  it('the one column a strategy reads (group key, time, label) first, in the middle or last: quoted, padded, missing, long rows, CR/CRLF, any chunk size', async () => {
    // Without an existing split column pass 1 takes its copy for that column alone.
    const needed = {
      // Non-ASCII bytes anywhere in a key's first 16 bytes or past them, whitespace-only keys.
      group: fc.oneof(
        fc.constantFrom('u1', 'u2', 'u12345678901', 'u123456789012', 'a-key-longer-than-sixteen-bytes', '', ' ', ' \t', '\u00e9', 'u1234567\u00e9', 'abcdefghijklmn\u00e9', 'abcdefghijklmno\u00e9', 'abcdefghijklmnop\u00e9', '\u00e9abcdefghijklmnopq'),
        value,
      ),
      // Mostly readable times: one row without one refuses the split (and the refusals alone would compare).
      temporal: fc.oneof(
        // Times within 2^31 seconds of each other (kept as 32-bit seconds), and now and then not.
        { weight: 30, arbitrary: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }).map(String) },
        { weight: 30, arbitrary: fc.date({ min: new Date('2001-09-09T00:00:00Z'), max: new Date('2033-05-18T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19) + 'Z') },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 4_000_000_000 }).map(String) },
        { weight: 5, arbitrary: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => `"${d.toISOString().slice(0, 10)}"`) },
        { weight: 1, arbitrary: timestamp },
      ),
      stratified: fc.oneof(fc.constantFrom('cat', 'dog', 'a-much-longer-label-value-spanning-blocks'), value),
    };
    const cell = fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: value }, { weight: 1, arbitrary: fc.string({ minLength: 20, maxLength: 70 }).map((s) => s.replace(/[",\r\n]/g, '_')) });
    const column = { group: 'user', temporal: 'ts', stratified: 'label' };
    const arb = fc.constantFrom<'group' | 'temporal' | 'stratified'>('group', 'temporal', 'stratified').chain((strategy) =>
      fc.record({
        strategy: fc.constant(strategy),
        at: fc.integer({ min: 0, max: 3 }),
        rows: fc.array(
          fc.record({
            key: needed[strategy],
            others: fc.tuple(cell, cell, cell),
            cut: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) }),
            extra: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        eol: fc.array(fc.constantFrom('\n', '\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
        blanks: fc.array(fc.nat(60), { maxLength: 2 }),
        last: fc.boolean(),
        seed: fc.integer(),
        chunkSize: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      }),
    );
    let split = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ strategy, at, rows, eol, blanks, last, seed, chunkSize }) => {
        const header = ['id', 'a', 'b'];
        header.splice(at, 0, column[strategy]);
        const body = rows.map((r) => {
          const cells = [...r.others];
          cells.splice(at, 0, r.key);
          // A row without its time refuses a temporal split: rows are cut after it there.
          const cut = r.cut >= 0 ? cells.slice(0, strategy === 'temporal' ? Math.max(r.cut, at + 1) : r.cut) : cells;
          return r.extra ? [...cut, 'more'] : cut;
        });
        const text = textOf({ header, rows: body, eols: eol, blanks, last });
        const opts = optionsFor(strategy, seed, chunkSize);
        const wasm = (await outcome(text, opts)) as { error?: string };
        if (strategy === 'temporal' && wasm.error === undefined) split++;
        assert.deepEqual(wasm, await outcome(text, { ...opts, fastPath: 'js' }), JSON.stringify(text));
      }),
      { numRuns: 600 },
    );
    assert.ok(split > 50, `${split} temporal runs split`);
  });

  it('the one column a strategy reads, over many rows (several calls of pass 1, keys the memo keeps and keys it cannot)', async () => {
    for (const at of [0, 1, 3]) {
      const header = ['id', 'a', 'b'];
      header.splice(at, 0, 'key');
      const rows = [header.join(',')];
      for (let i = 0; i < 30_000; i++) {
        // Keys of every length from 1 to 20 bytes; now and then a quoted, padded or empty key, a CRLF, a long row or a missing field.
        const key = i % 997 === 3 ? `"k${i % 50}"` : i % 991 === 5 ? ` k${i % 50}` : i % 983 === 7 ? '' : `k${String(i % 4_000).padStart(1 + (i % 20), 'x')}`;
        const cells = [String(i), i % 89 === 0 ? 'n'.repeat(80) : `a${i % 7}`, 'b'];
        cells.splice(at, 0, i % 1009 === 11 ? '' : key);
        const line = i % 1013 === 13 ? cells.slice(0, at).join(',') : cells.join(',');
        rows.push(line + (i % 101 === 17 ? '\r' : ''));
      }
      const text = rows.join('\n') + '\n';
      for (const strategy of ['group', 'stratified'] as StrategyName[]) {
        for (const chunkSize of [undefined, 4_093]) {
          const opts: SplitOptions = { strategy, seed: 9, format: 'tabular', by: 'key', chunkSize };
          assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }), `${strategy} at ${at}`);
        }
      }
      // The same rows with a time in the key's place (every row has one: quoted now and then).
      const times = rows
        .map((l, i) => {
          if (i === 0) return l.replace('key', 'ts');
          const t = i % 3 ? String(1_600_000_000 + (i % 4_000) * 37) : `2024-0${1 + (i % 9)}-1${i % 10}T10:${10 + (i % 50)}:00Z`;
          const cells = l.replace('\r', '').split(',');
          while (cells.length <= at) cells.push('');
          cells[at] = i % 997 === 3 ? `"${t}"` : t;
          return cells.join(',') + (l.endsWith('\r') ? '\r' : '');
        })
        .join('\n') + '\n';
      for (const chunkSize of [undefined, 4_093]) {
        const opts: SplitOptions = { strategy: 'temporal', seed: 9, format: 'tabular', timeField: 'ts', chunkSize };
        const wasm = (await outcome(times, opts)) as { error?: string };
        assert.equal(wasm.error, undefined, 'every row has a time');
        assert.deepEqual(wasm, await outcome(times, { ...opts, fastPath: 'js' }), `temporal at ${at}`);
      }
    }
  });

  it('many group keys, with rows keyed by item number and rows the per-record path keys', async () => {
    const rows = ['id,user,label'];
    for (let i = 0; i < 300_000; i++) {
      // Mostly distinct keys; some empty (keyed by item number), some quoted or padded (keyed by JavaScript).
      const user = i % 1000 === 7 ? '' : i % 1000 === 8 ? `"u${i >> 2}"` : i % 1000 === 9 ? ` u${i >> 2}` : `u${i >> 2}`;
      rows.push(`${i},${user},l${i % 5}`);
    }
    const text = rows.join('\n') + '\n';
    const opts = optionsFor('group', 11, undefined);
    assert.deepEqual(await outcome(text, opts), await outcome(text, { ...opts, fastPath: 'js' }));
  });

  it('the module draws the same buckets as StreamingAssigner (random and k-fold without a key)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer(),
        fc.constantFrom('random', 'kfold') as fc.Arbitrary<StrategyName>,
        fc.constantFrom('0.8,0.1,0.1', '1,0,0', '0,0.5,0.5', '0.34,0.33,0.33', '0.5,0,0.5'),
        fc.integer({ min: 2, max: 9 }),
        async (n, seed, strategy, fractions, k) => {
        const text = 'a\n' + Array.from({ length: n }, (_, i) => `${i}\n`).join('');
        if (strategy === 'kfold' && k > n) {
          // Fewer rows than folds: refused after pass 1 (some fold would have nothing to test on).
          await assert.rejects(splitText(text, { strategy, seed, k, fractions, format: 'tabular' }, 'data.csv'), (e: Error) => (e as SplitError).exitCode === 2 && e.message.startsWith(`${k} folds need at least ${k} data items`) && e.message.includes(`the file has ${n} data item`));
          return;
        }
        const r = await splitText(text, { strategy, seed, k, fractions, format: 'tabular' }, 'data.csv');
        const plan = r.plan.streaming!;
        const a = new StreamingAssigner(plan.seed, n, allocate(n, r.plan.fractions!));
        const values = r.outputs[0].split('\n').slice(1, n + 1).map((l) => l.split(',')[1]);
        const names = r.plan.buckets.map((b, i) => (strategy === 'kfold' ? String(i + 1) : b));
        for (let i = 0; i < n; i++) assert.equal(values[i], names[a.next()], `item ${i}`);
      }),
      { numRuns: 60 },
    );
  });
});
