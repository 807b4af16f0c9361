import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ColumnProfiler } from '../../../src/core/csv/profile';
import { readCsvText } from '../../../src/core/csv/reader';
import { looksLikeTimestamp, parseTimestamp } from '../../../src/core/rules/timestamp';

/** Cells that exercise every profiler mode: numbers, dates, booleans, categories, empties. */
const cellArb = fc.oneof(
  fc.integer({ min: -5000, max: 5000 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => String(Math.round(x * 1000) / 1000)),
  fc.constantFrom('', '', 'true', 'False', 'paris', 'oslo', 'n/a', '-', '.5', '5.', '+3', '1e3', '0x10', '007', '-0', '2024-02-29', '2023-02-29', '2024-03-01 10:00:00'),
  fc.string({ unit: fc.constantFrom('a', 'b', '1', '.', '-', ' ', 'é'), maxLength: 6 }),
  fc.string({ unit: fc.constantFrom('a', ',', '"', '1', ' '), maxLength: 6 }),
);

/** RFC 4180 writing: quote cells that need it, and some that do not. */
function writeCell(v: string, quoteAnyway: boolean): string {
  return quoteAnyway || /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

describe('csv column profile', () => {
  it('profiling a line in place equals profiling its split fields, quoted cells included (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((cols) => fc.tuple(fc.constant(cols), fc.array(fc.array(fc.tuple(cellArb, fc.boolean()), { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 60 }))),
        fc.integer({ min: 1, max: 8 }),
        ([cols, rows], cap) => {
          const names = Array.from({ length: cols }, (_, i) => `c${i}`);
          const split = new ColumnProfiler(names, cap);
          const inPlace = new ColumnProfiler(names, cap);
          const prefix = 'xx\n';
          for (const row of rows) {
            split.add(row.map(([v]) => v));
            const line = row.map(([v, q]) => writeCell(v, q)).join(',');
            const text = prefix + line + '\nyy';
            const cells = inPlace.addLine(text, prefix.length, prefix.length + line.length);
            assert.ok(cells, `a row with one cell per column is taken: ${line}`);
          }
          assert.deepEqual(inPlace.result(), split.result());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a line the in-place path rejects leaves no trace: rejected lines re-added as the reader splits them give the same profile (property)', () => {
    // Lines with the wrong number of cells, stray or unclosed quotes, text after a closing quote...
    const rawCell = fc.oneof(cellArb.map((v) => writeCell(v, false)), cellArb.map((v) => writeCell(v, true)), fc.constantFrom('"a"b', 'x"y', '"open', '""', '"a,b"', '5"', '"1"2'));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((cols) => fc.tuple(fc.constant(cols), fc.array(fc.array(rawCell, { minLength: Math.max(1, cols - 1), maxLength: cols + 1 }), { minLength: 1, maxLength: 40 }))),
        fc.integer({ min: 1, max: 6 }),
        ([cols, rows], cap) => {
          const names = Array.from({ length: cols }, (_, i) => `c${i}`);
          const reference = new ColumnProfiler(names, cap);
          const inPlace = new ColumnProfiler(names, cap);
          for (const row of rows) {
            const line = row.join(',');
            let fields: string[] | undefined;
            readCsvText(line, { onRecord: (r) => (fields ??= r.fields), onDiagnostic: () => undefined });
            if (!fields) continue;
            reference.add(fields);
            if (!inPlace.addLine(line, 0, line.length)) inPlace.add(fields);
          }
          assert.deepEqual(inPlace.result(), reference.result());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects a line with the wrong number of cells or irregular quoting and leaves the profile untouched', () => {
    const p = new ColumnProfiler(['a', 'b']);
    for (const line of ['1,2,3', '1', '"1,2', '"1"x,2', '1,"2', '"a""b,c']) assert.equal(p.addLine(line, 0, line.length), undefined, line);
    assert.deepEqual(p.result().map((c) => c.count), [0, 0]);
  });

  it('a rejected line takes back the minimum, maximum and longest length its first cells set (an unclosed quote at the end of a file is never re-added)', () => {
    const good = ['1,5', '2,6', '3,7'];
    // Cap 1: both columns are past the distinct-value cap, so numbers go to min/max directly.
    const reference = new ColumnProfiler(['a', 'b'], 1);
    const p = new ColumnProfiler(['a', 'b'], 1);
    for (const line of good) {
      reference.addLine(line, 0, line.length);
      p.addLine(line, 0, line.length);
    }
    for (const line of ['-70000,"never closed', '99999,123456,1', '-5', '123456789,8"x']) assert.equal(p.addLine(line, 0, line.length), undefined, line);
    assert.deepEqual(p.result(), reference.result());
    assert.deepEqual([p.result()[0].min, p.result()[0].max, p.result()[0].maxLength], [1, 3, 1]);
  });

  it('infers types and keeps exact distinct counts below the cap', () => {
    const p = new ColumnProfiler(['n', 'd', 'b', 'c', 't'], 3);
    const rows = [
      ['1', '2024-01-01', 'true', 'x', 'a long free text value that goes on and on and on'],
      ['2.5', '2024-01-02', 'false', 'y', 'another long free text value that goes on and on!'],
      ['-3', '2024-01-03 10:00:00', 'true', 'x', 'yet another long free text value that goes on and on'],
      ['', '', '', '', 'and one more long free text value that keeps going on'],
    ];
    for (const r of rows) p.add(r);
    const [n, d, b, c, t] = p.result();
    assert.deepEqual([n.inferredType, n.min, n.max, n.nulls, n.distinct], ['numeric', -3, 2.5, 1, 3]);
    assert.equal(d.inferredType, 'timestamp');
    assert.equal(b.inferredType, 'boolean');
    assert.deepEqual([c.inferredType, c.distinct, c.distinctCapped, c.topValues], ['categorical', 2, false, [{ value: 'x', count: 2 }, { value: 'y', count: 1 }]]);
    assert.deepEqual([t.inferredType, t.distinctCapped], ['text', true]);
  });

  it('the character-by-character timestamp test agrees with parseTimestamp on date-like strings (property)', () => {
    const digit = fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '9');
    const any = fc.constantFrom('0', '1', '2', '3', '5', '9', '-', ':', 'T', 't', ' ', 'Z', 'z', '.', '+', 'U', 'x');
    const piece = (unit: fc.Arbitrary<string>, n: number) => fc.array(unit, { minLength: n, maxLength: n }).map((a) => a.join(''));
    const dateLike = fc.tuple(
      fc.oneof(piece(digit, 4), piece(any, 4)),
      fc.oneof(piece(digit, 2), fc.constantFrom('02', '12', '13', '00')),
      fc.oneof(piece(digit, 2), fc.constantFrom('28', '29', '30', '31', '00')),
      fc.oneof(
        fc.constant(''),
        fc.tuple(fc.constantFrom('T', ' ', 't', 'x'), piece(fc.oneof(digit, any), 2), fc.constantFrom(':', '-'), piece(digit, 2)).map((a) => a.join('')),
        fc.tuple(fc.constantFrom('T', ' '), fc.constantFrom('00', '23', '24', '19'), fc.constant(':'), fc.constantFrom('00', '59', '60'), fc.constantFrom(':', ';'), fc.constantFrom('00', '59', '60', '61', '6x'), fc.constantFrom('', 'Z', 'z', 'Q', '.5', '+01:00', ' UTC')).map((a) => a.join('')),
        piece(any, 6),
      ),
    ).map(([y, m, d, rest]) => `${y}-${m}-${d}${rest}`);
    fc.assert(
      fc.property(dateLike, (v) => {
        assert.equal(looksLikeTimestamp(v), parseTimestamp(v) !== undefined, v);
      }),
      { numRuns: 5000 },
    );
    for (const v of ['2024-02-29', '2023-02-29', '2024-03-01 13:45', '2024-03-01T23:59:60Z', '2024-03-01T24:00:00', '2024-03-01 13:45 UTC', '0000-01-01']) {
      assert.equal(looksLikeTimestamp(v), parseTimestamp(v) !== undefined, v);
    }
  });
});
