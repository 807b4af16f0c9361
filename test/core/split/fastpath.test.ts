import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { outcome, strategies, textOf } from './tableText';
import { parseTimestamp } from '../../../src/core/split';
import type { SplitOptions } from '../../../src/core/split';
import { countCommas, fastTimestamp } from '../../../src/core/split/tabular';

/**
 * The chunk-level fast path of tabular CSVs against the general per-record path: same bytes, same
 * report, same refusal, on CSVs with quotes, quoted line breaks, CRLF / CR / LF, blank and ragged
 * rows, non-ASCII and padded values, and every strategy.
 */

const plain = fc.stringMatching(/^[a-z0-9._-]{0,5}$/);
const value = fc.oneof(
  { weight: 6, arbitrary: plain },
  { weight: 1, arbitrary: fc.constantFrom(' a', 'b ', '\u00e9t\u00e9', 'x\u00a0', '\t', '', '  ') },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }).map((s) => `"${s.replace(/"/g, '""')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"a,b"', '"line\nbreak"', '"cr\rin"', '"q""q"', '""') },
);
const timestamp = fc.oneof(
  fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19) + 'Z'),
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.integer({ min: 0, max: 4_000_000_000 }).map(String),
  fc.constantFrom('2024-02-31', '2023-02-29', '2024-02-29', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:60:00Z', '2024-12-31T23:59:60Z', '2024-13-01', '0099-01-01', '2024-01-01T10:00:00+02:00', '2024-01-01 10:00:00', '2024-01-01T10:00:00.250Z', ' 2024-01-01', '1e3', '-5', 'soon'),
);
const mlUse = fc.constantFrom('training', 'validation', 'test', 'TEST', 'Train', '', 'unassigned', 'bogus', ' test', '"test"');

interface Table {
  header: string[];
  rows: string[][];
  eols: string[];
  blanks: number[];
}

const table: fc.Arbitrary<Table> = fc
  .record({
    mlAt: fc.integer({ min: -1, max: 4 }),
    rows: fc.array(
      fc.record({
        id: fc.nat(99),
        label: fc.oneof(fc.constantFrom('cat', 'dog', 'emu', 'c\u00e4t'), value),
        ts: timestamp,
        user: fc.oneof(fc.constantFrom('u1', 'u2', 'u3'), value),
        ml: mlUse,
        cut: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }),
        extra: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
    eol: fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }),
    blanks: fc.array(fc.nat(40), { maxLength: 3 }),
  })
  .map(({ mlAt, rows, eol, blanks }) => {
    const header = ['id', 'label', 'ts', 'user'];
    if (mlAt >= 0) header.splice(mlAt, 0, 'ml_use');
    const out = rows.map((r) => {
      const cells = [String(r.id), r.label, r.ts, r.user];
      if (mlAt >= 0) cells.splice(mlAt, 0, r.ml);
      const cut = r.cut >= 0 ? cells.slice(0, r.cut) : cells;
      return r.extra ? [...cut, 'more'] : cut;
    });
    return { header, rows: out, eols: eol, blanks };
  });




describe('split: tabular fast path = per-record path (fast-check)', function () {
  this.timeout(120000);

  it('same bytes, report or refusal for every strategy, chunk size and line ending', async () => {
    await fc.assert(
      fc.asyncProperty(table, strategies, fc.integer(), fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), async (t, strategy, seed, chunkSize) => {
        const text = textOf(t);
        const opts: SplitOptions = {
          strategy,
          seed,
          k: 3,
          format: 'tabular',
          chunkSize,
          by: strategy === 'group' ? 'user' : strategy.startsWith('stratified') ? 'label' : undefined,
          timeField: strategy === 'temporal' ? 'ts' : undefined,
        };
        const fast = await outcome(text, opts);
        const slow = await outcome(text, { ...opts, fastPath: false });
        assert.deepEqual(fast, slow, JSON.stringify(text));
      }),
      { numRuns: 400 },
    );
  });

  it('fastTimestamp agrees with parseTimestamp wherever it answers', () => {
    fc.assert(
      fc.property(fc.oneof(timestamp, fc.stringMatching(/^[0-9T:Z -]{0,21}$/)), (s) => {
        const b = Buffer.from(s, 'utf8');
        const fast = fastTimestamp(b, 0, b.length);
        if (fast !== undefined) assert.ok(Object.is(fast, parseTimestamp(s)) || fast === parseTimestamp(s), `${s}: ${fast} vs ${parseTimestamp(s)}`);
      }),
      { numRuns: 3000 },
    );
    // An impossible date is left to the text parser, which refuses it.
    const b = Buffer.from('2024-02-30T25:61:61Z');
    assert.equal(fastTimestamp(b, 0, b.length), undefined);
    assert.ok(Number.isNaN(parseTimestamp('2024-02-30T25:61:61Z')));
  });

  it('parseTimestamp refuses impossible dates and times instead of rolling them over (as validate does)', () => {
    for (const bad of ['2023-02-29', '2024-04-31', '2100-02-29', '2024-01-01T24:00:00Z', '2024-01-01T10:60:00Z', '2024-01-01T10:00:61Z', '2024-01-01T10:00:00+24:00']) {
      assert.ok(Number.isNaN(parseTimestamp(bad)), bad);
      const b = Buffer.from(bad);
      assert.equal(fastTimestamp(b, 0, b.length), undefined, bad);
    }
    assert.equal(parseTimestamp('2024-02-29'), Date.UTC(2024, 1, 29));
    assert.equal(parseTimestamp('2000-02-29T23:59:59Z'), Date.UTC(2000, 1, 29, 23, 59, 59));
    // A leap second reads as the first second of the next minute.
    assert.equal(parseTimestamp('2016-12-31T23:59:60Z'), Date.UTC(2017, 0, 1));
  });

  it('countCommas counts every comma whatever the alignment', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a,,\n"]{0,40}$/), fc.nat(3), (s, shift) => {
        const ab = new ArrayBuffer(64);
        const b = Buffer.from(ab, 0, 64);
        b.write(s, shift, 'latin1');
        const w = new Int32Array(ab, 0, 16);
        for (let from = shift; from <= shift + s.length; from++) {
          const expected = [...s.slice(from - shift)].filter((c) => c === ',').length;
          assert.equal(countCommas(b, w, from, shift + s.length), expected);
          assert.equal(countCommas(b, null, from, shift + s.length), expected);
        }
      }),
    );
  });
});
