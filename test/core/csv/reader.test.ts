import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { CsvReader, readCsvFile, readCsvText, type CsvRecord } from '../../../src/core/csv/reader';

interface Out {
  records: CsvRecord[];
  diagnostics: Diagnostic[];
  lines: number;
}

function read(text: string, chunks?: number[], maxFieldChars?: number): Out {
  const records: CsvRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const reader = new CsvReader({ onRecord: (r) => records.push(r), onDiagnostic: (d) => diagnostics.push(d) }, maxFieldChars ? { maxFieldChars } : {});
  if (!chunks) reader.write(text);
  else {
    let at = 0;
    for (const size of chunks) {
      if (at >= text.length) break;
      reader.write(text.slice(at, at + size));
      at += size;
    }
    reader.write(text.slice(at));
  }
  reader.end();
  return { records, diagnostics, lines: reader.lines };
}

function ranges(r: CsvRecord): string[] {
  return r.fields.map((_, i) => {
    const g = r.range(i);
    return `${g.line}:${g.column}-${g.endLine}:${g.endColumn}`;
  });
}

/** Offsets where each line starts (CR, LF and CRLF end lines), after a leading BOM. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') {
      starts.push(i + 2);
      i++;
    } else if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  return starts;
}

describe('csv reader', () => {
  it('reads plain records with exact field ranges', () => {
    const out = read('a,bb,ccc\n1,,3\n');
    assert.deepEqual(out.records.map((r) => r.fields), [['a', 'bb', 'ccc'], ['1', '', '3']]);
    assert.deepEqual(ranges(out.records[0]), ['1:1-1:2', '1:3-1:5', '1:6-1:9']);
    assert.deepEqual(ranges(out.records[1]), ['2:1-2:2', '2:3-2:3', '2:4-2:5']);
    assert.equal(out.lines, 2);
    assert.deepEqual(out.diagnostics, []);
  });

  it('unquotes fields with commas, doubled quotes and line breaks, keeping ranges on the quotes', () => {
    const out = read('a,"b,c",d\r\n"x""y","multi\nline",z');
    assert.deepEqual(out.records[0].fields, ['a', 'b,c', 'd']);
    assert.deepEqual(ranges(out.records[0]), ['1:1-1:2', '1:3-1:8', '1:9-1:10']);
    assert.deepEqual(out.records[1].fields, ['x"y', 'multi\nline', 'z']);
    assert.deepEqual(ranges(out.records[1]), ['2:1-2:7', '2:8-3:6', '3:7-3:8']);
    assert.equal(out.records[1].line, 2);
    assert.equal(out.records[1].endLine, 3);
    assert.equal(out.records[1].quoted(1), true);
    assert.equal(out.records[1].quoted(2), false);
  });

  it('treats CRLF, LF and lone CR as line breaks and needs no final newline', () => {
    const out = read('a\r\nb\nc\rd');
    assert.deepEqual(out.records.map((r) => [r.line, r.fields[0]]), [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]);
    assert.equal(out.lines, 4);
  });

  it('strips a BOM (with a warning) without shifting columns', () => {
    const out = read('\ufeffh1,h2\n');
    assert.deepEqual(out.records[0].fields, ['h1', 'h2']);
    assert.deepEqual(ranges(out.records[0]), ['1:1-1:3', '1:4-1:6']);
    assert.deepEqual(out.diagnostics.map((d) => d.code), ['encoding.bom']);
  });

  it('marks blank lines and keeps a trailing empty field', () => {
    const out = read('\n1,\n');
    assert.equal(out.records[0].blank, true);
    assert.deepEqual(out.records[1].fields, ['1', '']);
    assert.equal(out.records[1].blank, false);
  });

  it('reports an unterminated quote at the opening quote', () => {
    const out = read('a,"open\nb,c\n');
    const d = out.diagnostics.find((x) => x.code === 'csv.unterminatedQuote');
    assert.ok(d);
    assert.deepEqual([d.line, d.column, d.endLine, d.endColumn], [1, 3, 1, 4]);
    assert.equal(out.records.length, 1);
    assert.equal(out.records[0].unterminated, true);
  });

  it('reports a quote inside an unquoted field and text after a closing quote', () => {
    const out = read('ab"c,d\n"x"y,z\n');
    assert.deepEqual(
      out.diagnostics.map((d) => [d.code, d.line, d.column, d.endColumn]),
      [
        ['csv.strayQuote', 1, 3, 4],
        ['csv.strayQuote', 2, 3, 4],
      ],
    );
    assert.deepEqual(out.records.map((r) => r.fields), [['ab"c', 'd'], ['xy', 'z']]);
  });

  it('caps a huge field, reports it once and keeps reading', () => {
    const big = 'x'.repeat(5000);
    const out = read(`a,"${big}",b\nnext,row\n`, [700, 700, 700], 1000);
    const d = out.diagnostics.filter((x) => x.code === 'csv.fieldTooLong');
    assert.equal(d.length, 1);
    assert.deepEqual([d[0].line, d[0].column], [1, 3]);
    assert.equal(out.records[0].fields[1].length, 1000);
    assert.deepEqual(out.records[1].fields, ['next', 'row']);
  });

  it('caps a huge unquoted line without line breaks', () => {
    const out = read('y'.repeat(50_000), Array(100).fill(600), 1000);
    assert.equal(out.records.length, 1);
    assert.equal(out.records[0].fields[0].length, 1000);
    assert.equal(out.diagnostics.filter((x) => x.code === 'csv.fieldTooLong').length, 1);
  });

  it('stops at a NUL byte (binary data) and flags replacement characters', () => {
    const bin = read('ok,1\nab\u0000cd\nmore\n');
    assert.deepEqual(bin.diagnostics.map((d) => [d.code, d.line, d.column]), [['file.binary', 2, 3]]);
    assert.equal(bin.records.length, 0);
    const bad = read('a,b\u00e9\nc,d\ufffd\n');
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.line, d.column]), [['encoding.utf8', 2, 4]]);
  });

  it('gives the same records and positions whatever the chunk boundaries', () => {
    const text = 'a,"b\r\nc",d\r\n"e""",f\rg,h\n\n"i",\r\nlast';
    const whole = read(text);
    for (let size = 1; size <= 7; size++) {
      const chunked = read(text, Array(text.length).fill(size));
      assert.deepEqual(chunked.records.map((r) => r.fields), whole.records.map((r) => r.fields), `chunk ${size}`);
      assert.deepEqual(chunked.records.map(ranges), whole.records.map(ranges), `chunk ${size}`);
      assert.equal(chunked.lines, whole.lines);
    }
  });

  it('round-trips any CSV written by a standard writer, with correct positions (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', '\n', '\r', 'é', '😀', 'x', '_'), maxLength: 8 });
    const rowsArb = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(rowsArb, fc.boolean(), fc.boolean(), fc.boolean(), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 40 }), (rows, crlf, bom, finalNewline, chunks) => {
        // Python's csv module and spreadsheets quote fields holding CR or LF; csv-stringify needs to be told.
        let text = stringify(rows, { record_delimiter: crlf ? 'windows' : 'unix', quoted_match: /[\r\n]/, bom });
        // Without a final line break a last row holding one empty field would vanish: keep the break then.
        const lastIsEmpty = rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '';
        if (!finalNewline && !lastIsEmpty) text = text.slice(0, text.length - (crlf ? 2 : 1));
        const out = read(text, chunks);
        assert.deepEqual(out.diagnostics.filter((d) => d.code !== 'encoding.bom'), []);
        // A row that is one empty field is written as an empty line; the reader reads it as a blank record.
        assert.deepEqual(out.records.map((r) => r.fields), rows);
        const body = bom ? text.slice(1) : text;
        const starts = lineStarts(body);
        const at = (line: number, column: number) => starts[line - 1] + column - 1;
        for (const r of out.records) {
          r.fields.forEach((value, i) => {
            const g = r.range(i);
            const raw = body.slice(at(g.line, g.column), at(g.endLine, g.endColumn));
            const expected = r.quoted(i) ? `"${value.replace(/"/g, '""')}"` : value;
            assert.equal(raw, expected, `record ${r.index} field ${i}`);
          });
          assert.equal(r.range(0).line, r.line);
        }
      }),
      { numRuns: 400 },
    );
  });

  describe('files', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'csv-reader-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('streams a file whose multi-byte characters and CRLFs straddle chunk boundaries', async () => {
      const rows: string[][] = [];
      for (let i = 0; i < 60_000; i++) rows.push([`é${i}`, i % 7 === 0 ? `"q""${i}\r\nz"` : `😀${i}`, String(i)]);
      const text = rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
      const path = join(dir, 'chunks.csv');
      writeFileSync(path, text);
      const records: CsvRecord[] = [];
      const reader = await readCsvFile(path, { onRecord: (r) => records.push(r), onDiagnostic: (d) => assert.fail(d.message) });
      assert.equal(records.length, 60_000);
      assert.deepEqual(records[7].fields, ['é7', 'q"7\r\nz', '7']);
      const last = records[59_999];
      assert.deepEqual(last.fields, ['é59999', '😀59999', '59999']);
      // One line per record plus one for each of the 8,572 quoted line breaks before it.
      assert.equal(last.line, 1 + 59_999 + Math.ceil(60_000 / 7));
      assert.equal(reader.lines, last.line);
    });

    it('a file that turns from ASCII to multi-byte text after the first chunks reads as the same text', async () => {
      const rows: string[] = [];
      for (let i = 0; i < 40_000; i++) rows.push(`${i},plain ascii text ${i},"q, ${i}"`);
      for (let i = 0; i < 40_000; i++) rows.push(`${i},€${i}é,"😀 ${i}"`);
      const text = rows.join('\n') + '\n';
      const path = join(dir, 'ascii-then-utf8.csv');
      writeFileSync(path, text);
      const fromFile: CsvRecord[] = [];
      const fileReader = await readCsvFile(path, { onRecord: (r) => fromFile.push(r), onDiagnostic: (d) => assert.fail(d.message) });
      const fromText = read(text);
      assert.equal(fromFile.length, 80_000);
      assert.deepEqual(
        fromFile.map((r) => [r.line, ...r.fields]),
        fromText.records.map((r) => [r.line, ...r.fields]),
      );
      assert.deepEqual(fromFile[79_999].fields, ['39999', '€39999é', '😀 39999']);
      assert.equal(fileReader.lines, fromText.lines);
    });

    it('reads a 50 MB single field with the cap applied, and keeps going', async () => {
      const path = join(dir, 'huge-field.csv');
      const out = createWriteStream(path);
      out.write('gs://bucket-name/a.jpg,"');
      const block = 'z'.repeat(1 << 20);
      for (let i = 0; i < 50; i++) if (!out.write(block)) await once(out, 'drain');
      out.end('"\ngs://bucket-name/b.jpg,daisy\n');
      await once(out, 'finish');
      const records: CsvRecord[] = [];
      const diagnostics: Diagnostic[] = [];
      await readCsvFile(path, { onRecord: (r) => records.push(r), onDiagnostic: (d) => diagnostics.push(d) });
      assert.deepEqual(diagnostics.map((d) => [d.code, d.line, d.column]), [['csv.fieldTooLong', 1, 24]]);
      assert.equal(records.length, 2);
      assert.equal(records[0].fields[1].length, 1 << 22);
      assert.deepEqual(records[1].fields, ['gs://bucket-name/b.jpg', 'daisy']);
      assert.equal(records[1].line, 2);
    });
  });

  it('readCsvText is the whole-string form of the reader', () => {
    const records: CsvRecord[] = [];
    readCsvText('x,y', { onRecord: (r) => records.push(r), onDiagnostic: () => undefined });
    assert.deepEqual(records[0].fields, ['x', 'y']);
  });
});
