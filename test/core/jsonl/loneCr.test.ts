import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateJsonlFile, validateJsonlText } from '../../../src/core/jsonl/validate';

const item = (name: string, label: string) => JSON.stringify({ imageGcsUri: `gs://bkt/${name}.jpg`, classificationAnnotation: { displayName: label } });
const FORMAT = { format: 'image-classification-single-label' as const, datasetChecks: false };

describe('lone carriage returns in JSONL (Vertex AI splits lines on LF only)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-lone-cr-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a CR alone between two objects is a jsonl.syntax error on the CR that says why and how to fix it, from text and from disk alike', async () => {
    const a = item('a', 'cat');
    const text = `${a}\r${item('b', 'dog')}\r\n${item('c', 'cat')}\n`;
    writeFileSync(join(dir, 'cr.jsonl'), text);
    for (const r of [validateJsonlText(text, FORMAT), await validateJsonlFile(join(dir, 'cr.jsonl'), FORMAT)]) {
      const syntax = r.diagnostics.filter((d) => d.code === 'jsonl.syntax');
      assert.equal(syntax.length, 1, JSON.stringify(r.diagnostics));
      const [d] = syntax;
      assert.deepEqual([d.line, d.column, d.endLine, d.endColumn, d.severity], [1, a.length + 1, 1, a.length + 2, 'error']);
      assert.match(d.message, /^Carriage return \(CR\) without a line feed: Vertex AI reads newline-delimited JSON, where only LF \(or CRLF\) ends a line, so the text on both sides of it is one line, which is not valid JSON \(.+\)\. Convert the line endings to LF\.$/);
      assert.equal(r.items, 2);
    }
  });

  it('a CR that is whitespace inside one object, a CRLF, or a CR inside a string is not called a line break', () => {
    const ok = validateJsonlText(`{"imageGcsUri": "gs://bkt/a.jpg",\r"classificationAnnotation": {"displayName": "cat"}}\r\n${item('b', 'dog')}\r\n`, FORMAT);
    assert.deepEqual(ok.diagnostics.filter((d) => d.code === 'jsonl.syntax'), []);
    const inString = validateJsonlText(`{"imageGcsUri": "gs://bkt/a\r.jpg" x}\n`, FORMAT);
    const d = inString.diagnostics.find((x) => x.code === 'jsonl.syntax');
    assert.ok(d);
    assert.doesNotMatch(d.message, /Carriage return/);
  });
});
