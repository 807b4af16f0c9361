// `--jobs N`: a large file validated in newline-aligned ranges on worker threads must give exactly
// the result of one thread, whatever falls on a range boundary.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateJsonlFile } from '../../../src/core/jsonl/validate';

const FORMAT = 'image-classification-single-label' as const;
const good = (i: number) =>
  `{"imageGcsUri":"gs://bkt-${i % 3}/dir/${i}.jpg","classificationAnnotation":{"displayName":"l${i % 7}"},"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"${['training', 'test', 'validation'][i % 3]}"}}`;

/** A block of lines with every kind of finding a range boundary can split or separate. */
function block(i: number): Buffer[] {
  return [
    Buffer.from(`${good(i)}\n${good(i + 1)}\n\n\n`),
    Buffer.from(`{"imageGcsUri":"gs://bkt/x.jpg","classificationAnnotation":{"displayName":"a"},"classificationAnnotation":{"displayName":"b"}}\n`),
    Buffer.from(`${good(i + 2).slice(0, -3)}\n\n`),
    Buffer.concat([Buffer.from('{"imageGcsUri":"gs://bkt/'), Buffer.from([0xff, 0xfe]), Buffer.from('.jpg"}\n')]),
    Buffer.from(`${good(i + 3)}\r\n{"imageGcsUri":"https://storage.googleapis.com/b/c.jpg","ml_use":"TRAIN"}\n\n`),
    Buffer.from(`${good(i + 4)}\n`),
  ];
}

describe('validate with worker threads (--jobs)', function () {
  this.timeout(120_000);
  let dir: string;
  let path: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-jobs-'));
    path = join(dir, 'big.jsonl');
    // half + blank lines + half: the blank run is centred and wider than 1/23 of the file, so with
    // 23 jobs one whole range is blank lines, and with 2 jobs the boundary falls inside the run.
    const parts: Buffer[] = [];
    let size = 0;
    for (let i = 0; size < 4.2 * 2 ** 20; i += 5) {
      for (const b of block(i)) {
        parts.push(b);
        size += b.length;
      }
      // A line longer than a read chunk, and one over the 2 MB line limit.
      if (i === 2000) size += parts[parts.push(Buffer.from(`{"imageGcsUri":"gs://bkt/${'a'.repeat(1536 * 1024)}.jpg"}\n`)) - 1].length;
      if (i === 4000) size += parts[parts.push(Buffer.from(`{"imageGcsUri":"gs://bkt/${'b'.repeat(3 << 20)}.jpg"}\n`)) - 1].length;
    }
    const half = Buffer.concat(parts);
    const blanks = Buffer.from('\n'.repeat(Math.ceil((2 * half.length) / 22) + 1000));
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), half, blanks, half, Buffer.from(`${good(1)}\n\n\n`)]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const same = async (options: { maxDiagnostics?: number }, jobsList: number[]) => {
    const opts = { format: FORMAT, maxLineBytes: 2 << 20, ...options };
    const one = await validateJsonlFile(path, opts);
    const expected = JSON.stringify(one);
    for (const jobs of jobsList) assert.equal(JSON.stringify(await validateJsonlFile(path, { ...opts, jobs })), expected, `jobs ${jobs}`);
    return one;
  };

  it('gives the one-thread result for 2 and 23 jobs', async () => {
    const one = await same({}, [2, 23]);
    const codes = new Set(one.diagnostics.map((d) => d.code));
    for (const c of ['encoding.bom', 'jsonl.blankLine', 'jsonl.duplicateKey', 'jsonl.syntax', 'encoding.utf8', 'value.gcsUri', 'jsonl.lineTooLong']) assert.ok(codes.has(c), c);
  });

  it('applies the problem cap as one thread does', async () => {
    const one = await same({ maxDiagnostics: 5000 }, [3]);
    assert.equal(one.diagnostics.at(-1)?.code, 'report.truncated');
  });
});
