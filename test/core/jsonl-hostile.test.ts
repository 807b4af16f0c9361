import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateJsonlFile, validateJsonlText } from '../../src/core/jsonl/validate';

const FORMAT = 'image-classification-single-label' as const;
const GOOD = '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a"}}';

describe('hostile JSONL input never crashes or hangs', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-hostile-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const codes = (ds: { code: string }[]) => ds.map((d) => d.code);

  it('empty file', async () => {
    const r = await validateJsonlFile(file('empty.jsonl', ''), { format: FORMAT });
    assert.deepEqual(codes(r.diagnostics), ['file.empty']);
    assert.equal(r.items, 0);
    assert.deepEqual(codes(validateJsonlText('', { format: FORMAT }).diagnostics), ['file.empty']);
  });

  it('only blank lines', async () => {
    const r = await validateJsonlFile(file('blank.jsonl', '\n  \n\n'), { format: FORMAT });
    assert.deepEqual(codes(r.diagnostics), ['file.empty']);
  });

  it('blank lines between items are reported, trailing ones are not', async () => {
    const text = `${GOOD}\n\n${GOOD}\n\n\n`;
    const r = await validateJsonlFile(file('blanks.jsonl', text), { format: FORMAT });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line]), [['jsonl.blankLine', 2]]);
    assert.equal(r.items, 2);
    assert.deepEqual(validateJsonlText(text, { format: FORMAT }).diagnostics, r.diagnostics);
  });

  it('BOM is reported once and the first line still validates', async () => {
    const r = await validateJsonlFile(file('bom.jsonl', `\ufeff${GOOD}\n${GOOD}\n`), { format: FORMAT });
    assert.deepEqual(codes(r.diagnostics), ['encoding.bom']);
    assert.equal(r.items, 2);
  });

  it('CRLF line endings', async () => {
    const r = await validateJsonlFile(file('crlf.jsonl', `${GOOD}\r\n{"imageGcsUri":"gs://bkt/a.jpg","x":1}\r\n`), { format: FORMAT });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.column]), [['schema.unknownKey', 2, 33]]);
  });

  it('a NUL byte inside a line', async () => {
    const r = await validateJsonlFile(file('nul.jsonl', `${GOOD}\n{"imageGcsUri":"gs://bkt/a\u0000.jpg"}\n`), { format: FORMAT });
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].code, 'jsonl.syntax');
    assert.equal(r.diagnostics[0].line, 2);
    assert.match(r.diagnostics[0].message, /control character/);
  });

  it('invalid UTF-8 points at the bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from(`${GOOD}\n{"imageGcsUri":"gs://bkt/`), Buffer.from([0xc3, 0x28]), Buffer.from('.jpg"}\n')]);
    const r = await validateJsonlFile(file('utf8.jsonl', bytes), { format: FORMAT });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.column]), [['encoding.utf8', 2, 26]]);
    assert.match(r.diagnostics[0].message, /0xc3/);
  });

  it('a 10 MB line is validated', async () => {
    const big = `{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"${'a'.repeat(10 * 1024 * 1024)}"}}`;
    const r = await validateJsonlFile(file('big.jsonl', `${GOOD}\n${big}\n${GOOD}\n`), { format: FORMAT });
    assert.equal(r.items, 3);
    assert.deepEqual(r.diagnostics, []);
  });

  it('a line over the line cap is skipped with a diagnostic and the rest still validates', async () => {
    const huge = `{"imageGcsUri":"gs://bkt/a.jpg","x":"${'a'.repeat(3 * 1024 * 1024)}"}`;
    const r = await validateJsonlFile(file('huge.jsonl', `${GOOD}\n${huge}\n{"imageGcsUri":1}\n`), { format: FORMAT, maxLineBytes: 1024 * 1024 });
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line]), [['jsonl.lineTooLong', 2], ['schema.type', 3]]);
  });

  it('10,000-deep nesting', async () => {
    const deep = `{"imageGcsUri":"gs://bkt/a.jpg","x":${'['.repeat(10000)}${']'.repeat(10000)}}`;
    const r = await validateJsonlFile(file('deep.jsonl', `${deep}\n`), { format: FORMAT });
    assert.deepEqual(codes(r.diagnostics), ['schema.unknownKey']);
    const deepObj = `{"imageGcsUri":"gs://bkt/a.jpg","x":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`;
    const r2 = validateJsonlText(`${deepObj}\n`, { format: FORMAT });
    assert.deepEqual(codes(r2.diagnostics), ['schema.unknownKey']);
    const broken = validateJsonlText(`${'['.repeat(10000)}\n`, { format: FORMAT });
    assert.deepEqual(codes(broken.diagnostics), ['jsonl.syntax']);
  });

  it('a binary file', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.alloc(4096, 0xff), Buffer.alloc(1024, 0)]);
    const r = await validateJsonlFile(file('image.jsonl', png), { format: FORMAT });
    assert.deepEqual(codes(r.diagnostics), ['file.binary']);
  });

  it('pretty-printed JSON document', async () => {
    const text = JSON.stringify([{ imageGcsUri: 'gs://bkt/a.jpg' }, { imageGcsUri: 'gs://bkt/b.jpg' }], null, 2);
    const r = await validateJsonlFile(file('pretty.json.jsonl', text), { format: FORMAT });
    assert.deepEqual(codes(r.diagnostics), ['jsonl.notJsonl']);
    assert.match(r.diagnostics[0].message, /JSON array/);
    assert.deepEqual(codes(validateJsonlText(text, { format: FORMAT }).diagnostics), ['jsonl.notJsonl']);
  });

  it('a missing file is a usage error, not a crash', async () => {
    await assert.rejects(validateJsonlFile(join(dir, 'nope.jsonl'), { format: FORMAT }), /no such file/);
  });

  it('every problem of a broken file is reported in one pass', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => (i % 2 ? GOOD : '{"imageGcsUri":"gs://bkt/a.jpg",'));
    const r = await validateJsonlFile(file('many.jsonl', lines.join('\n')), { format: FORMAT });
    assert.equal(r.diagnostics.length, 250);
    assert.ok(r.diagnostics.every((d, i) => d.line === 2 * i + 1 && d.code === 'jsonl.syntax'));
  });

  it('--max-problems caps the list and says how many were left out', () => {
    const lines = Array.from({ length: 50 }, () => '{"imageGcsUri":1}');
    const r = validateJsonlText(lines.join('\n'), { format: FORMAT, maxDiagnostics: 10 });
    assert.equal(r.diagnostics.length, 11);
    assert.equal(r.diagnostics[10].code, 'report.truncated');
    assert.match(r.diagnostics[10].message, /40 more/);
  });

  it('lines are read across chunk boundaries with multi-byte characters', async () => {
    // 3-byte characters straddle the 1 MB read boundary somewhere in this file.
    const line = (i: number) => `{"imageGcsUri":"gs://bkt/${i}.jpg","classificationAnnotation":{"displayName":"日本語${'é'.repeat(i % 7)}"}}`;
    const lines = Array.from({ length: 20000 }, (_, i) => line(i));
    lines[12345] = '{"imageGcsUri":"gs://bkt/x.jpg","classificationAnnotation":{"displayName":"日本"},"zz":1}';
    const r = await validateJsonlFile(file('chunks.jsonl', lines.join('\n') + '\n'), { format: FORMAT });
    assert.equal(r.items, 20000);
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.column]), [['schema.unknownKey', 12346, 81]]);
  });
});
