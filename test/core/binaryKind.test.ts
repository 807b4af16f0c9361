// A file that is not UTF-8 text is named for what it is (UTF-16 text, a gzip file, an Excel
// workbook), with the way to fix it, by validate, stats and split, for JSON Lines and CSV alike.
import { strict as assert } from 'node:assert';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryKindOf } from '../../src/core/binaryKind';
import { validateFile } from '../../src/core/files';
import { cli } from './support/cli';

const JSONL = '{"imageGcsUri":"gs://bucket/a.jpg","classificationAnnotation":{"displayName":"cat"}}\n';
const CSV = 'gs://bucket/a.jpg,cat\ngs://bucket/b.jpg,dog\n';

const utf16le = (t: string, bom: boolean) => Buffer.concat([Buffer.from(bom ? [0xff, 0xfe] : []), Buffer.from(t, 'utf16le')]);
const utf16be = (t: string, bom: boolean) => {
  const le = Buffer.from(t, 'utf16le');
  return Buffer.concat([Buffer.from(bom ? [0xfe, 0xff] : []), le.swap16()]);
};
const utf32le = (t: string) => {
  const out = Buffer.alloc(4 + t.length * 4);
  out.set([0xff, 0xfe, 0, 0]);
  for (let i = 0; i < t.length; i++) out.writeUInt32LE(t.charCodeAt(i), 4 + i * 4);
  return out;
};
// A ZIP local file header, as an .xlsx workbook starts.
const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00', 'latin1'), Buffer.from('[Content_Types].xml', 'latin1'), Buffer.alloc(64, 0)]);

describe('files that are not UTF-8 text', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vd-binkind-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: Buffer | string) => {
    const p = join(dir, name);
    writeFileSync(p, body);
    return p;
  };

  const cases: [string, (t: string) => Buffer, RegExp][] = [
    ['UTF-16 LE with a byte order mark', (t) => utf16le(t, true), /UTF-16 \(little-endian\) text, not UTF-8.*Save it as UTF-8.*iconv -f UTF-16LE/],
    ['UTF-16 LE without one', (t) => utf16le(t, false), /UTF-16 \(little-endian\) text/],
    ['UTF-16 BE with a byte order mark', (t) => utf16be(t, true), /UTF-16 \(big-endian\) text.*iconv -f UTF-16BE/],
    ['UTF-16 BE without one', (t) => utf16be(t, false), /UTF-16 \(big-endian\) text/],
    ['UTF-32 LE', utf32le, /UTF-32 \(little-endian\) text/],
    ['gzip', (t) => gzipSync(Buffer.from(t)), /a gzip-compressed file.*Decompress it/],
  ];
  for (const [name, encode, message] of cases) {
    for (const [ext, text, what] of [['jsonl', JSONL, 'a JSON Lines import file'], ['csv', CSV, 'a CSV import file']] as const) {
      it(`${name}: one file.binary error saying so (${ext})`, async () => {
        const p = file(`f.${ext}`, encode(text));
        const r = await validateFile(p);
        assert.deepEqual(r.diagnostics.map((d) => [d.code, d.severity, d.line, d.column]), [['file.binary', 'error', 1, 1]]);
        assert.match(r.diagnostics[0].message, message);
        if (name === 'gzip') assert.ok(r.diagnostics[0].message.includes(what), r.diagnostics[0].message);
      });
    }
  }

  it('an Excel workbook given as a CSV file', async () => {
    const r = await validateFile(file('sheet.csv', zip));
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['file.binary']);
    assert.match(r.diagnostics[0].message, /a ZIP archive \(an Excel workbook is one\), not a CSV import file.*"CSV UTF-8"/);
  });

  it('text that begins like a file signature is still text', async () => {
    // "PAR1" (Parquet) and "BZh" (bzip2) as column names: no NUL byte, so no signature.
    const r = await validateFile(file('tab.csv', 'PAR1,BZh9,target\n1,2,3\n4,5,6\n'), { format: 'tabular' });
    assert.ok(!r.diagnostics.some((d) => d.code === 'file.binary'), JSON.stringify(r.diagnostics));
    assert.equal(binaryKindOf(Buffer.from('PAR1,x\n')), undefined);
    assert.equal(binaryKindOf(Buffer.from(JSONL)), undefined);
    // A UTF-8 file with a few NUL bytes among text is not UTF-16.
    assert.equal(binaryKindOf(Buffer.from(`${JSONL}\0${JSONL}`)), undefined);
  });

  it('validate, stats and split on the command line name the encoding', async () => {
    const p = file('windows.csv', utf16le(CSV, true));
    const v = await cli(['validate', p]);
    assert.equal(v.code, 1);
    assert.match(v.out, /windows\.csv:1:1: error file\.binary: This file is UTF-16 \(little-endian\) text/);
    const s = await cli(['stats', p]);
    assert.match(s.out + s.err, /UTF-16 \(little-endian\) text/);
    const before = readFileSync(p);
    const sp = await cli(['split', p, '--in-place']);
    assert.equal(sp.code, 2);
    assert.match(sp.err, /windows\.csv: This file is UTF-16 \(little-endian\) text.*Save it as UTF-8/);
    // Nothing was rewritten.
    assert.deepEqual(readFileSync(p), before);
  });
});
