import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { run } from '../../../src/cli/commands/split';

/** `vertex-datasets split ARGS` on `text` written to data.jsonl: exit code and standard output. */
async function split(text: string, args: string[]): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'split-report-'));
  try {
    writeFileSync(join(dir, 'data.jsonl'), text);
    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: (t) => void (out += t), cwd: dir };
    const code = await run(['data.jsonl', ...args], io);
    return { code, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const items = (n: number, label: (i: number) => string | undefined) =>
  Array.from({ length: n }, (_, i) => {
    const l = label(i);
    return JSON.stringify({ imageGcsUri: `gs://bucket/${i}.jpg`, ...(l === undefined ? {} : { classificationAnnotation: { displayName: l } }) });
  }).join('\n') + '\n';

describe('split report: unlabeled items and exact shares', () => {
  it('a stratified split where no item has a label shows the (none) row and says there was nothing to stratify by', async () => {
    const r = await split(items(10, () => undefined), ['--strategy', 'stratified']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^label   training  validation      test\n\(none\)         8           1         1\n/m);
    assert.match(r.out, /^no item has a label, so there was nothing to stratify by: the 10 items were split at random in the requested proportions$/m);
    const k = await split(items(10, () => undefined), ['--strategy', 'stratified-kfold', '--k', '3']);
    assert.match(k.out, /^label      fold1     fold2     fold3\n\(none\)         4         3         3\n/m);
    assert.match(k.out, /the 10 items were put in folds at random$/m);
    const json = JSON.parse((await split(items(10, () => undefined), ['--strategy', 'stratified', '--output', 'json'])).out);
    assert.deepEqual(json.report.labels, []);
    assert.deepEqual(json.report.unlabeled, [8, 1, 1]);
  });

  it('other strategies on unlabeled items print no label table (as before)', async () => {
    const r = await split(items(10, () => undefined), ['--strategy', 'random']);
    assert.doesNotMatch(r.out, /\(none\)|^label /m);
    assert.doesNotMatch(r.out, /nothing to stratify/);
  });

  it('when nothing deviates the report says every split and every label is exactly on its share, not "+0 items of \'cat\'"', async () => {
    const r = await split(items(10, () => 'cat'), ['--strategy', 'stratified']);
    assert.doesNotMatch(r.out, /\+0 items/);
    assert.match(r.out, /^every split holds exactly its requested share$/m);
    assert.match(r.out, /^cat           8           1         1\nevery label is exactly on its share in every split$/m);
    const json = JSON.parse((await split(items(10, () => 'cat'), ['--strategy', 'stratified', '--output', 'json'])).out);
    assert.deepEqual(json.report.deviation, { items: 0, fraction: 0 });
    assert.deepEqual(json.report.labelDeviation, { items: 0 });
  });

  it('a real deviation is still named with its label and split', async () => {
    const r = await split(items(9, (i) => (i < 6 ? 'cat' : 'dog')), ['--strategy', 'stratified']);
    assert.match(r.out, /^largest deviation from the requested proportions: [+-][\d.]+ items? in \w+ \([-\d.]+ percentage points\)$/m);
    assert.match(r.out, /^largest per-label deviation: [+-][\d.]+ items? of '(cat|dog)' in \w+$/m);
    const json = JSON.parse((await split(items(9, (i) => (i < 6 ? 'cat' : 'dog')), ['--strategy', 'stratified', '--output', 'json'])).out);
    assert.equal(typeof json.report.labelDeviation.label, 'string');
    assert.equal(typeof json.report.deviation.bucket, 'string');
  });
});
