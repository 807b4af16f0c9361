import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';

interface StatsLabel {
  name: string;
  items: number;
  annotations: number;
}
interface StatsOut {
  datasets: { annotations: number; labels: StatsLabel[] }[];
}

const line = (uri: string, ...labels: string[]) =>
  JSON.stringify({ imageGcsUri: uri, classificationAnnotations: labels.map((displayName) => ({ displayName })) }) + '\n';

describe('the same label twice on one item (Vertex keeps one)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-twice-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function stats(file: string): Promise<StatsOut> {
    const r = await cli(['stats', '--output', 'json', file]);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out) as StatsOut;
  }

  it('counts once in stats, in JSONL as in CSV', async () => {
    writeFileSync(join(dir, 'twice.jsonl'), line('gs://bkt/a.jpg', 'cat', 'cat') + line('gs://bkt/b.jpg', 'dog'));
    writeFileSync(join(dir, 'twice.csv'), 'gs://bkt/a.jpg,cat,cat\ngs://bkt/b.jpg,dog\n');
    const summary = (s: StatsOut) => [s.datasets[0].annotations, s.datasets[0].labels.map((l) => [l.name, l.items, l.annotations])];
    const jsonl = await stats(join(dir, 'twice.jsonl'));
    assert.deepEqual(summary(jsonl), [2, [['cat', 1, 1], ['dog', 1, 1]]]);
    assert.deepEqual(summary(jsonl), summary(await stats(join(dir, 'twice.csv'))));
  });

  it('still warns label.duplicate, and a later line with the label once repeats the item rather than conflicting', async () => {
    writeFileSync(join(dir, 'again.jsonl'), line('gs://bkt/a.jpg', 'cat', 'cat') + line('gs://bkt/a.jpg', 'cat'));
    const r = await cli(['validate', '--output', 'json', join(dir, 'again.jsonl')]);
    const codes = (JSON.parse(r.out) as { files: { diagnostics: { line: number; code: string }[] }[] }).files[0].diagnostics.map((d) => `${d.line} ${d.code}`);
    assert.ok(codes.includes('1 label.duplicate'), codes.join(', '));
    assert.ok(codes.includes('2 duplicate.repeat'), codes.join(', '));
    assert.ok(!codes.includes('2 duplicate.conflict'), codes.join(', '));
    assert.equal(r.code, 0, 'warnings only');
  });
});
