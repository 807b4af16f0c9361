import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateJsonlFile, validateJsonlText } from '../../../src/core/jsonl/validate';

// The editor validates text VS Code decoded; the CLI the file's bytes. The same file must read the same.
describe('JSONL text (editor) and bytes (CLI) agree on encoding problems', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-text-enc-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const good = (i: number, label = 'cat') => JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: label } });
  const codes = (ds: { line: number; column: number; code: string }[]) => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
  const opts = { format: 'image-classification-single-label' as const };

  it('a byte order mark is an encoding.bom warning in both', async () => {
    const text = '\ufeff' + [good(1), good(2)].join('\n') + '\n';
    writeFileSync(join(dir, 'bom.jsonl'), text);
    const fromText = validateJsonlText(text, opts);
    const fromFile = await validateJsonlFile(join(dir, 'bom.jsonl'), opts);
    assert.deepEqual(codes(fromText.diagnostics), ['1:1 encoding.bom']);
    assert.deepEqual(codes(fromText.diagnostics), codes(fromFile.diagnostics));
  });

  it('bytes that are not UTF-8 (decoded as U+FFFD in the text) are an encoding.utf8 error on their line, which is not validated further', async () => {
    // "café" written as ISO 8859-1: é is the single byte 0xe9, not UTF-8.
    const bytes = Buffer.from(good(1) + '\n' + good(2, 'café') + '\n' + good(3) + '\n', 'latin1');
    writeFileSync(join(dir, 'latin1.jsonl'), bytes);
    const items: string[] = [];
    const fromText = validateJsonlText(bytes.toString('utf8'), { ...opts, onItem: (f) => items.push(f.mediaUri ?? '') });
    const fromFile = await validateJsonlFile(join(dir, 'latin1.jsonl'), opts);
    assert.deepEqual(codes(fromText.diagnostics), [`2:${good(2, 'café').indexOf('é') + 1} encoding.utf8`]);
    assert.deepEqual(codes(fromText.diagnostics), codes(fromFile.diagnostics));
    assert.equal(fromText.diagnostics[0].severity, 'error');
    assert.match(fromText.diagnostics[0].message, /re-save the file as UTF-8/);
    assert.equal(fromText.items, fromFile.items);
    assert.deepEqual(items, ['gs://bkt/1.jpg', 'gs://bkt/3.jpg'], 'the undecodable line gives no item facts (its label would count as "caf\ufffd")');
  });

  it('a genuine U+FFFD (valid UTF-8 bytes EF BF BD) is a character: text known to be valid UTF-8 reads as the bytes do', async () => {
    const text = good(1) + '\n' + good(2, 'caf\ufffd') + '\n';
    writeFileSync(join(dir, 'genuine.jsonl'), text);
    const fromFile = await validateJsonlFile(join(dir, 'genuine.jsonl'), opts);
    const fromText = validateJsonlText(text, { ...opts, textIsUtf8: true });
    assert.deepEqual(codes(fromFile.diagnostics), []);
    assert.deepEqual(codes(fromText.diagnostics), codes(fromFile.diagnostics));
    assert.equal(fromText.items, 2);
    // Without that knowledge the text cannot tell it from a decoding failure.
    assert.deepEqual(codes(validateJsonlText(text, opts).diagnostics), [`2:${good(2, 'caf\ufffd').indexOf('\ufffd') + 1} encoding.utf8`]);
  });
});
