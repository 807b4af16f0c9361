import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mlUseEdits, splitFile, splitText } from '../../../src/core/split';
import type { SplitOptions } from '../../../src/core/split';

function applyEdits(text: string, value: string): string {
  const edits = mlUseEdits(text, value);
  assert.ok(edits, `no edits for ${text}`);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.from) + e.insert;
    pos = e.to;
  }
  return out + text.slice(pos);
}

const K = '"aiplatform.googleapis.com/ml_use"';

describe('split: JSONL ml_use writer (text surgery)', () => {
  const cases: [string, string, string][] = [
    ['no labels object, compact', '{"imageGcsUri":"gs://b/a.jpg"}', `{"imageGcsUri":"gs://b/a.jpg","dataItemResourceLabels":{${K}:"test"}}`],
    [
      'no labels object, spaced style is kept',
      '{"imageGcsUri": "gs://b/a.jpg", "x": 1}',
      `{"imageGcsUri": "gs://b/a.jpg", "x": 1, "dataItemResourceLabels": {${K}: "test"}}`,
    ],
    ['empty root object', '{}', `{"dataItemResourceLabels":{${K}:"test"}}`],
    ['empty labels object', '{"a":1,"dataItemResourceLabels":{}}', `{"a":1,"dataItemResourceLabels":{${K}:"test"}}`],
    ['labels object with inner spaces', '{"a":1,"dataItemResourceLabels":{ }}', `{"a":1,"dataItemResourceLabels":{${K}:"test"}}`],
    [
      'existing value replaced, other labels untouched',
      `{"dataItemResourceLabels":{"z":"1",${K}:"training","a":"2"},"imageGcsUri":"gs://b/a.jpg"}`,
      `{"dataItemResourceLabels":{"z":"1",${K}:"test","a":"2"},"imageGcsUri":"gs://b/a.jpg"}`,
    ],
    ['legacy value replaced', `{"dataItemResourceLabels":{${K}:"TRAIN"}}`, `{"dataItemResourceLabels":{${K}:"test"}}`],
    ['label appended after other labels', '{"dataItemResourceLabels":{"team":"x"}}', `{"dataItemResourceLabels":{"team":"x",${K}:"test"}}`],
    ['unprefixed key renamed in place', '{"dataItemResourceLabels":{"a":"1","ml_use":"TEST","b":"2"}}', `{"dataItemResourceLabels":{"a":"1",${K}:"test","b":"2"}}`],
    [
      'unprefixed key removed when the prefixed one exists (first member)',
      `{"dataItemResourceLabels":{"ml_use":"x", ${K}:"training"}}`,
      `{"dataItemResourceLabels":{${K}:"test"}}`,
    ],
    [
      'unprefixed key removed when the prefixed one exists (last member)',
      `{"dataItemResourceLabels":{${K}:"training" , "ml_use":"x"}}`,
      `{"dataItemResourceLabels":{${K}:"test"}}`,
    ],
    [
      'two unprefixed keys before the prefixed one',
      `{"dataItemResourceLabels":{"ml_use":"a","ml_use":"b",${K}:"training","k":"v"}}`,
      `{"dataItemResourceLabels":{${K}:"test","k":"v"}}`,
    ],
    ['labels null replaced by an object', '{"dataItemResourceLabels":null}', `{"dataItemResourceLabels":{${K}:"test"}}`],
    [
      'duplicate labels objects: the last one (what JSON.parse keeps) is edited',
      `{"dataItemResourceLabels":{${K}:"training"},"dataItemResourceLabels":{}}`,
      `{"dataItemResourceLabels":{${K}:"training"},"dataItemResourceLabels":{${K}:"test"}}`,
    ],
    ['leading and trailing whitespace kept', '  {"a":1}  ', `  {"a":1,"dataItemResourceLabels":{${K}:"test"}}  `],
    ['non-ASCII before the edit', '{"t":"é🙂","dataItemResourceLabels":{}}', `{"t":"é🙂","dataItemResourceLabels":{${K}:"test"}}`],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(applyEdits(input, 'test'), expected);
      assert.equal(JSON.parse(expected).dataItemResourceLabels['aiplatform.googleapis.com/ml_use'], 'test');
    });
  }
  it('refuses lines that are not JSON objects', () => {
    assert.equal(mlUseEdits('[1,2]', 'test'), null);
    assert.equal(mlUseEdits('{"a":', 'test'), null);
    assert.equal(mlUseEdits('{"a":1,}', 'test'), null);
  });
});

async function split(text: string, opts: Partial<SplitOptions> = {}): Promise<string> {
  const r = await splitText(text, { strategy: 'random', seed: 7, fractions: [0, 0, 1], ...opts }, opts.format ? undefined : 'x.jsonl');
  return r.outputs[0];
}

describe('split: whole-file rewrites keep every other byte', () => {
  it('JSONL: CRLF, blank lines, invalid lines and a missing final newline', async () => {
    const input = '{"imageGcsUri":"gs://b/1.jpg"}\r\n\r\n   \nnot json\n{"imageGcsUri":"gs://b/2.jpg","dataItemResourceLabels":{"ml_use":"TRAIN"}}';
    const out = await split(input);
    assert.equal(
      out,
      `{"imageGcsUri":"gs://b/1.jpg","dataItemResourceLabels":{${K}:"test"}}\r\n\r\n   \nnot json\n{"imageGcsUri":"gs://b/2.jpg","dataItemResourceLabels":{${K}:"test"}}`,
    );
  });

  it('JSONL: bytes that are not UTF-8 are copied exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'split-'));
    try {
      const file = join(dir, 'a.jsonl');
      // Line 2 carries a stray 0xff byte inside a string; line 3 is not JSON at all.
      const line2 = Buffer.concat([Buffer.from('{"imageGcsUri":"gs://b/2.jpg","note":"'), Buffer.from([0xff]), Buffer.from('"}\n')]);
      writeFileSync(file, Buffer.concat([Buffer.from('{"imageGcsUri":"gs://b/1.jpg"}\n'), line2, Buffer.from([0xfe, 0x0a])]));
      const { plan } = await splitFile(file, { strategy: 'random', fractions: [1, 0, 0] }, 'in-place');
      const out = readFileSync(file);
      const expected = Buffer.concat([
        Buffer.from(`{"imageGcsUri":"gs://b/1.jpg","dataItemResourceLabels":{${K}:"training"}}\n`),
        Buffer.from('{"imageGcsUri":"gs://b/2.jpg","note":"'),
        Buffer.from([0xff]),
        Buffer.from(`","dataItemResourceLabels":{${K}:"training"}}\n`),
        Buffer.from([0xfe, 0x0a]),
      ]);
      assert.ok(out.equals(expected), out.toString('latin1'));
      assert.equal(plan.report.items, 2);
      assert.equal(plan.report.notes.length, 1);
      assert.deepEqual(readdirSync(dir), ['a.jsonl']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('positional CSV: rows with and without the ml_use column, quoted fields, CRLF, blank rows', async () => {
    const input = [
      'gs://b/1.jpg,daisy',
      'TEST,gs://b/2.jpg,rose',
      ',gs://b/3.jpg,rose',
      '"validation","gs://b/4,x.jpg",tulip',
      '',
      'UNASSIGNED,gs://b/5.jpg,',
      'gs://b/6.jpg,box,0.1,0.1,,,0.5,0.5,,',
    ].join('\r\n');
    const out = await split(input, { format: 'image-classification-single-label' });
    assert.equal(
      out,
      [
        'test,gs://b/1.jpg,daisy',
        'test,gs://b/2.jpg,rose',
        'test,gs://b/3.jpg,rose',
        'test,"gs://b/4,x.jpg",tulip',
        '',
        'test,gs://b/5.jpg,',
        'test,gs://b/6.jpg,box,0.1,0.1,,,0.5,0.5,,',
      ].join('\r\n'),
    );
  });

  it('positional CSV: rows of one image land in the same split', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 200; i++) rows.push(`gs://b/${i % 40}.jpg,l${i % 3},0.1,0.1,,,0.5,0.5,,`);
    const out = await split(rows.join('\n') + '\n', { format: 'image-bounding-box', fractions: [0.5, 0.25, 0.25] });
    const byImage = new Map<string, Set<string>>();
    for (const line of out.split('\n').filter(Boolean)) {
      const [use, uri] = line.split(',');
      if (!byImage.has(uri)) byImage.set(uri, new Set());
      byImage.get(uri)!.add(use);
    }
    assert.equal(byImage.size, 40);
    for (const uses of byImage.values()) assert.equal(uses.size, 1);
  });

  for (const fastPath of [true, false]) {
    const how = fastPath ? 'chunk fast path' : 'per-record path';
    it(`tabular CSV: appends one field to the header and every row, padding short rows (${how})`, async () => {
      const input = '\uFEFFid,"na,me",label\n1,"a\nb",x\n2,c\n\n3,"q""uote",y\n4\r\n5,"x,y"\n';
      const out = await split(input, { format: 'tabular', fastPath });
      assert.equal(out, '\uFEFFid,"na,me",label,ml_use\n1,"a\nb",x,test\n2,c,,test\n\n3,"q""uote",y,test\n4,,,test\r\n5,"x,y",,test\n');
    });

    it(`tabular CSV: a row longer than the header is refused, naming the record (${how})`, async () => {
      for (const input of ['id,label\n1,a\n2,b,extra\n', 'id,label\n1,a\n2,"b,c",d\n']) {
        await assert.rejects(split(input, { format: 'tabular', fastPath }), (e: Error) => {
          assert.match(e.message, /record 3 has 3 fields but the header has 2 columns/);
          return true;
        });
      }
      // Replacing an existing column lines up whatever the row's length.
      assert.equal(await split('id,ml_use\n1,,x,y\n2\n', { format: 'tabular', fastPath }), 'id,ml_use\n1,test,x,y\n2,test\n');
    });

    it(`CSV: a lone CR ends a record, as in the CSV reader (${how})`, async () => {
      assert.equal(await split('id,label\r1,a\r2,"b\rc"\r\r3,d', { format: 'tabular', fastPath }), 'id,label,ml_use\r1,a,test\r2,"b\rc",test\r\r3,d,test');
      assert.equal(await split('a,b\r\r\n1,2\r\n', { format: 'tabular', fastPath }), 'a,b,ml_use\r\r\n1,2,test\r\n');
      const rows = await split('gs://b/1.jpg,rose\rgs://b/2.jpg,tulip\r', { format: 'image-classification-single-label', fastPath });
      assert.equal(rows, 'test,gs://b/1.jpg,rose\rtest,gs://b/2.jpg,tulip\r');
    });
  }

  it('tabular CSV: replaces an existing column wherever it is, keeping its quoting style elsewhere', async () => {
    const input = 'id,ml_use,v\r\n1,TRAIN,"x,y"\r\n2,,z\r\n3\r\n';
    const out = await split(input, { format: 'tabular' });
    assert.equal(out, 'id,ml_use,v\r\n1,test,"x,y"\r\n2,test,z\r\n3,test\r\n');
  });

  it('tabular CSV: a named split column and a fold column', async () => {
    const input = 'id,label\n1,a\n2,b\n3,a\n4,b\n';
    const named = await split(input, { format: 'tabular', splitColumn: 'split' });
    assert.equal(named, 'id,label,split\n1,a,test\n2,b,test\n3,a,test\n4,b,test\n');
    const r = await splitText(input, { strategy: 'kfold', k: 2, format: 'tabular' });
    const folds = r.outputs[0].trim().split('\n').slice(1).map((l) => l.split(',')[2]);
    assert.equal(r.outputs.length, 1);
    assert.deepEqual([...folds].sort(), ['1', '1', '2', '2']);
    assert.match(r.outputs[0], /^id,label,fold\n/);
  });

  it('a byte order mark stays first: JSONL and positional CSV', async () => {
    const j = await split('\uFEFF{"imageGcsUri":"gs://b/1.jpg"}\n');
    assert.equal(j, `\uFEFF{"imageGcsUri":"gs://b/1.jpg","dataItemResourceLabels":{${K}:"test"}}\n`);
    const c = await split('\uFEFFgs://b/1.jpg,rose\n\uFEFFx\n', { format: 'image-classification-single-label' });
    assert.equal(c.split('\n')[0], '\uFEFFtest,gs://b/1.jpg,rose');
    const c2 = await split('\uFEFFTRAIN,gs://b/1.jpg,rose\n', { format: 'image-classification-single-label' });
    assert.equal(c2, '\uFEFFtest,gs://b/1.jpg,rose\n');
  });

  it('video: only training and test are written', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ videoGcsUri: `gs://v/${i}.mp4`, timeSegmentAnnotations: [{ displayName: 'a' }] }));
    const r = await splitText(lines.join('\n'), { strategy: 'random', seed: 1 }, 'v.jsonl');
    assert.deepEqual(r.plan.buckets, ['training', 'test']);
    assert.deepEqual(r.plan.report.counts, [40, 10]);
    assert.doesNotMatch(r.outputs[0], /validation/);
    await assert.rejects(splitText(lines.join('\n'), { strategy: 'random', fractions: '0.8,0.1,0.1' }, 'v.jsonl'), /video datasets take only training and test/);
  });
});
