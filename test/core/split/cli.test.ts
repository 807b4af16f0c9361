import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { run } from '../../../src/cli/commands/split';
import { splitFile } from '../../../src/core/split';

const ML = 'aiplatform.googleapis.com/ml_use';

describe('vertex-datasets split (CLI)', () => {
  let dir: string;
  let out: string;
  let err: string;
  let io: CliIo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'split-cli-'));
    out = '';
    err = '';
    io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function jsonl(n: number, extra: (i: number) => object = () => ({})): string {
    const lines = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 3}` }, ...extra(i) }));
    return lines.join('\n') + '\n';
  }

  it('dry run by default: prints the report, writes nothing', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(100));
    const before = readFileSync(join(dir, 'a.jsonl'));
    assert.equal(await run(['a.jsonl', '--strategy', 'stratified', '--seed', '3'], io), 0);
    assert.match(out, /training\s+81\s+81\.0%\s+80\.0%/);
    assert.match(out, /largest deviation from the requested proportions/);
    assert.match(out, /^l0\s+27\s+3\s+4$/m);
    assert.match(out, /nothing written \(dry run\)/);
    assert.ok(readFileSync(join(dir, 'a.jsonl')).equals(before));
    assert.deepEqual(readdirSync(dir), ['a.jsonl']);
  });

  it('--in-place replaces the file through a temp file and leaves nothing else behind', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(50));
    assert.equal(await run(['a.jsonl', '--in-place', '--fractions', '70,20,10'], io), 0, err);
    const lines = readFileSync(join(dir, 'a.jsonl'), 'utf8').trim().split('\n');
    const counts = { training: 0, validation: 0, test: 0 } as Record<string, number>;
    for (const l of lines) counts[JSON.parse(l).dataItemResourceLabels[ML]]++;
    assert.deepEqual(counts, { training: 35, validation: 10, test: 5 });
    assert.deepEqual(readdirSync(dir), ['a.jsonl']);
    assert.match(out, /wrote a\.jsonl/);
  });

  it('--out with --output json gives the report as data; the same seed gives the same bytes', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(40));
    assert.equal(await run(['a.jsonl', '--out', 'b.jsonl', '--seed', '9', '--output', 'json'], io), 0, err);
    const report = JSON.parse(out);
    assert.deepEqual(report.written, ['b.jsonl']);
    assert.deepEqual(report.report.counts, [32, 4, 4]);
    assert.equal(report.report.buckets.length, 3);
    out = '';
    assert.equal(await run(['a.jsonl', '--out', 'c.jsonl', '--seed', '9', '--output', 'json'], io), 0);
    assert.ok(readFileSync(join(dir, 'b.jsonl')).equals(readFileSync(join(dir, 'c.jsonl'))));
    out = '';
    assert.equal(await run(['a.jsonl', '--out', 'd.jsonl', '--seed', '10', '--output', 'json'], io), 0);
    assert.ok(!readFileSync(join(dir, 'b.jsonl')).equals(readFileSync(join(dir, 'd.jsonl'))));
  });

  it('k-fold on JSONL writes one file per fold, each item held out as test exactly once', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(30));
    assert.equal(await run(['a.jsonl', '--strategy', 'stratified-kfold', '--k', '3', '--out', 'cv.jsonl'], io), 0, err);
    assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl', 'cv.fold1.jsonl', 'cv.fold2.jsonl', 'cv.fold3.jsonl']);
    const folds = [1, 2, 3].map((f) => readFileSync(join(dir, `cv.fold${f}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l).dataItemResourceLabels[ML]));
    for (let i = 0; i < 30; i++) assert.equal(folds.filter((f) => f[i] === 'test').length, 1);
    for (const f of folds) assert.equal(f.filter((u) => u === 'test').length, 10);
    assert.equal(await run(['a.jsonl', '--strategy', 'kfold', '--in-place'], io), 2);
    assert.match(err, /give --out PATH/);
  });

  it('temporal by cut-off dates on a tabular CSV', async () => {
    writeFileSync(join(dir, 't.csv'), 'id,when\n1,2023-12-31\n2,2024-01-01T00:00:00Z\n3,2024-03-01\n4,2024-06-01\n5,1719792000\n');
    assert.equal(await run(['t.csv', '--strategy', 'temporal', '--time-field', 'when', '--cutoffs', '2024-01-01,2024-05-01', '--in-place'], io), 0, err);
    assert.equal(readFileSync(join(dir, 't.csv'), 'utf8'), 'id,when,ml_use\n1,2023-12-31,training\n2,2024-01-01T00:00:00Z,validation\n3,2024-03-01,validation\n4,2024-06-01,test\n5,1719792000,test\n');
  });

  it('temporal with an unreadable timestamp fails (exit 1) and names the record', async () => {
    writeFileSync(join(dir, 't.csv'), 'id,when\n1,2024-01-01\n2,yesterday\n');
    assert.equal(await run(['t.csv', '--strategy', 'temporal', '--time-field', 'when', '--in-place'], io), 1);
    assert.match(err, /1 item\(s\) have no readable timestamp in 'when' \(first: record 3\)/);
    assert.equal(readFileSync(join(dir, 't.csv'), 'utf8'), 'id,when\n1,2024-01-01\n2,yesterday\n');
  });

  it('group by a tabular column keeps equal values together', async () => {
    const rows = ['id,user'];
    for (let i = 0; i < 200; i++) rows.push(`${i},u${i % 17}`);
    writeFileSync(join(dir, 'g.csv'), rows.join('\n') + '\n');
    assert.equal(await run(['g.csv', '--strategy', 'group', '--by', 'user', '--out', 'o.csv'], io), 0, err);
    const byUser = new Map<string, Set<string>>();
    for (const line of readFileSync(join(dir, 'o.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [, user, use] = line.split(',');
      if (!byUser.has(user)) byUser.set(user, new Set());
      byUser.get(user)!.add(use);
    }
    assert.equal(byUser.size, 17);
    for (const s of byUser.values()) assert.equal(s.size, 1);
  });

  const usage: [string, string[], RegExp][] = [
    ['no file', [], /expected exactly one FILE/],
    ['unknown strategy', ['a.jsonl', '--strategy', 'shuffle'], /unknown strategy 'shuffle'/],
    ['both outputs', ['a.jsonl', '--out', 'x', '--in-place'], /either --out PATH or --in-place/],
    ['fractions not adding up', ['a.jsonl', '--fractions', '0.5,0.1,0.1'], /add up to 0\.7/],
    ['two fractions for an image file', ['a.jsonl', '--fractions', '0.8,0.2'], /expected 3 fractions/],
    ['temporal without a field', ['a.jsonl', '--strategy', 'temporal'], /needs --time-field/],
    ['bad cut-off', ['a.jsonl', '--strategy', 'temporal', '--time-field', 'x', '--cutoffs', 'soon,later'], /cut-off 'soon' is not a date/],
    ['bad seed', ['a.jsonl', '--seed', 'abc'], /--seed must be an integer/],
    ['bad k', ['a.jsonl', '--strategy', 'kfold', '--k', '1'], /--k must be an integer from 2 to 100/],
    ['missing file', ['nope.jsonl'], /cannot read .*nope\.jsonl/],
    ['unknown format', ['a.jsonl', '--format', 'pictures'], /unknown format 'pictures'/],
    ['unknown option', ['a.jsonl', '--frobnicate'], /Unknown option '--frobnicate'/],
  ];
  for (const [name, args, message] of usage) {
    it(`exit 2 on a usage problem: ${name}`, async () => {
      writeFileSync(join(dir, 'a.jsonl'), jsonl(10));
      assert.equal(await run(args, io), 2);
      assert.match(err, message);
    });
  }

  it('--help prints the options', async () => {
    assert.equal(await run(['--help'], io), 0);
    assert.match(out, /--strategy NAME/);
  });

  it('a cancelled split leaves the original untouched and no temp file behind', async () => {
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, jsonl(20000));
    const before = readFileSync(file);
    const ac = new AbortController();
    await assert.rejects(
      splitFile(file, { strategy: 'random', chunkSize: 4096, signal: ac.signal, onProgress: (pass, bytes) => pass === 2 && bytes > 100000 && ac.abort() }, 'in-place'),
      (e: Error) => e.name === 'AbortError',
    );
    assert.ok(readFileSync(file).equals(before));
    assert.deepEqual(readdirSync(dir), ['big.jsonl']);
  });
});

describe('vertex-datasets split --per-split', () => {
  let dir: string;
  let err = '';
  let io: CliIo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'split-per-'));
    err = '';
    io = { out: () => undefined, err: (t) => void (err += t), cwd: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one tabular file per split, each with the header and the new column', async () => {
    const rows = ['id,v'];
    for (let i = 0; i < 20; i++) rows.push(`${i},x${i}`);
    writeFileSync(join(dir, 't.csv'), rows.join('\n') + '\n');
    assert.equal(await run(['t.csv', '--out', 'parts.csv', '--per-split', '--fractions', '0.5,0.25,0.25'], io), 0, err);
    assert.deepEqual(readdirSync(dir).sort(), ['parts.test.csv', 'parts.training.csv', 'parts.validation.csv', 't.csv']);
    const seen: string[] = [];
    for (const [split, n] of [['training', 10], ['validation', 5], ['test', 5]] as const) {
      const lines = readFileSync(join(dir, `parts.${split}.csv`), 'utf8').trim().split('\n');
      assert.equal(lines[0], 'id,v,ml_use');
      assert.equal(lines.length - 1, n);
      for (const l of lines.slice(1)) {
        assert.ok(l.endsWith(`,${split}`), l);
        seen.push(l.split(',')[0]);
      }
    }
    assert.deepEqual(seen.map(Number).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  });

  it('needs --out and refuses k-fold', async () => {
    writeFileSync(join(dir, 'a.jsonl'), '{"imageGcsUri":"gs://b/1.jpg"}\n');
    assert.equal(await run(['a.jsonl', '--per-split'], io), 2);
    assert.match(err, /--per-split needs --out PATH/);
    assert.equal(await run(['a.jsonl', '--per-split', '--out', 'x.jsonl', '--strategy', 'kfold'], io), 2);
    assert.match(err, /does not apply to k-fold/);
  });
});
