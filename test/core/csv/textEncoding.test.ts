import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCsvFile, validateCsvText } from '../../../src/core/csv/validate';
import { cli } from '../support/cli';
import { invalidUtf8Position } from '../../../src/core/utf8';

// The editor validates text VS Code decoded; the CLI the file's bytes. A genuine U+FFFD (bytes EF BF BD)
// is a character of the file; bytes that are not UTF-8 are an encoding.utf8 error where they are.
describe('CSV text (editor) and bytes (CLI) agree on U+FFFD and invalid UTF-8', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-csv-enc-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const codes = (ds: { line: number; column: number; code: string }[]) => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
  const opts = { format: 'image-classification-multi-label' as const };
  const rows = (label2: string) => `gs://bkt/1.jpg,cat\ngs://bkt/2.jpg,${label2}\ngs://bkt/3.jpg,dog\n`;

  it('a genuine U+FFFD is no encoding.utf8 error from a file, nor from text known to be valid UTF-8', async () => {
    const text = rows('caf\ufffd');
    writeFileSync(join(dir, 'genuine.csv'), text);
    const fromFile = await validateCsvFile(join(dir, 'genuine.csv'), opts);
    assert.deepEqual(codes(fromFile.diagnostics).filter((c) => c.endsWith('encoding.utf8')), []);
    const fromText = validateCsvText(text, { ...opts, textIsUtf8: true });
    assert.deepEqual(codes(fromText.diagnostics), codes(fromFile.diagnostics));
    // Without that knowledge the text cannot tell it from a decoding failure.
    assert.deepEqual(codes(validateCsvText(text, opts).diagnostics).filter((c) => c.endsWith('encoding.utf8')), ['2:19 encoding.utf8']);
    const r = await cli(['validate', '--output', 'json', '--format', 'image-classification-multi-label', join(dir, 'genuine.csv')]);
    assert.ok(!r.out.includes('encoding.utf8'), r.out);
  });

  it('invalid bytes after a genuine U+FFFD are reported where they are, naming the byte; the text path agrees on a file without genuine ones', async () => {
    // Row 2 holds a genuine U+FFFD, row 3 "café" as ISO 8859-1 (é is the single byte 0xe9).
    const bytes = Buffer.concat([Buffer.from('gs://bkt/1.jpg,cat\ngs://bkt/2.jpg,caf\ufffd\n'), Buffer.from('gs://bkt/3.jpg,caf\u00e9\n', 'latin1')]);
    writeFileSync(join(dir, 'mixed.csv'), bytes);
    const fromFile = await validateCsvFile(join(dir, 'mixed.csv'), opts);
    const utf8 = fromFile.diagnostics.filter((d) => d.code === 'encoding.utf8');
    assert.deepEqual(codes(utf8), ['3:19 encoding.utf8']);
    assert.equal(utf8[0].severity, 'error');
    assert.match(utf8[0].message, /^Invalid UTF-8 \(byte 0xe9\)\. Import files must be UTF-8: re-save the file as UTF-8\.$/);
    // The editor, knowing where the file's first bad byte is, points the reader at its U+FFFD: the same findings.
    const text = bytes.toString('utf8');
    const at = text.lastIndexOf('\ufffd');
    assert.ok(at > text.indexOf('\ufffd'));
    assert.deepEqual(validateCsvText(text, { ...opts, invalidUtf8: { at, byte: 0xe9 } }).diagnostics, fromFile.diagnostics);
    assert.deepEqual(validateCsvText('\ufeff' + text, { ...opts, invalidUtf8: { at: at + 1, byte: 0xe9 } }).diagnostics.filter((d) => d.code === 'encoding.utf8'), utf8);
    const latin1 = Buffer.from(rows('caf\u00e9'), 'latin1');
    writeFileSync(join(dir, 'latin1.csv'), latin1);
    const file2 = await validateCsvFile(join(dir, 'latin1.csv'), opts);
    assert.deepEqual(codes(file2.diagnostics).filter((c) => c.endsWith('encoding.utf8')), ['2:19 encoding.utf8']);
    assert.deepEqual(codes(validateCsvText(latin1.toString('utf8'), opts).diagnostics), codes(file2.diagnostics));
  });

  it('the position is right whatever the chunk boundaries: characters cut between chunks, a BOM, a character unfinished at the end', async () => {
    const head = '\ufeffgs://bkt/1.jpg,東京\n' + 'gs://bkt/2.jpg,caf\ufffd,😀\n';
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from('gs://bkt/3.jpg,ok\ngs://bkt/4.jpg,x'), Buffer.from([0xe6, 0x9d]), Buffer.from(',y\n')]);
    writeFileSync(join(dir, 'cut.csv'), bytes);
    const lastAt = '4:17 encoding.utf8';
    for (const chunkBytes of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const r = await validateCsvFile(join(dir, 'cut.csv'), { ...opts, chunkBytes });
      assert.deepEqual(codes(r.diagnostics).filter((c) => c.endsWith('encoding.utf8') || c.endsWith('encoding.bom')), ['1:1 encoding.bom', lastAt], `chunks of ${chunkBytes}`);
      assert.match(r.diagnostics.find((d) => d.code === 'encoding.utf8')!.message, /byte 0xe6/);
    }
    // Unfinished at the very end of the file.
    writeFileSync(join(dir, 'end.csv'), Buffer.concat([Buffer.from('gs://bkt/1.jpg,caf\ufffd\ngs://bkt/2.jpg,x'), Buffer.from([0xf0, 0x9f, 0x98])]));
    for (const chunkBytes of [1, 4, 1 << 20]) {
      const r = await validateCsvFile(join(dir, 'end.csv'), { ...opts, chunkBytes });
      assert.deepEqual(codes(r.diagnostics).filter((c) => c.endsWith('encoding.utf8')), ['2:17 encoding.utf8'], `chunks of ${chunkBytes}`);
    }
  });

  it('the editor finds the first bad byte of the file on its document line and UTF-16 column (BOM hidden; LF, CRLF and lone CR end lines)', () => {
    const bytes = Buffer.concat([Buffer.from('\ufeffa,\ufffd\r\nb\rc,😀x'), Buffer.from([0xe9, 0x41, 0xff]), Buffer.from('\n')]);
    assert.deepEqual(invalidUtf8Position(bytes), { line: 2, character: 5, byte: 0xe9 });
    const text = bytes.toString('utf8').slice(1).split(/\r\n|\r|\n/);
    assert.equal(text[2][5], '\ufffd');
    assert.deepEqual(invalidUtf8Position(Buffer.from([0x61, 0x0a, 0xc3])), { line: 1, character: 0, byte: 0xc3 });
  });
});
