import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { run } from '../../../src/cli/commands/split';

// What a user runs into at the edges of `vertex-datasets split`: odd destinations, options that
// name nothing in the file, more folds than items.

describe('vertex-datasets split at the edges (real files)', () => {
  let dir: string;
  let out: string;
  let err: string;
  let io: CliIo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'split-edges-'));
    out = '';
    err = '';
    io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function jsonl(n: number, extra: (i: number) => object = () => ({})): string {
    const lines = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 2}` }, ...extra(i) }));
    return lines.join('\n') + '\n';
  }

  it('--out naming a folder: exit 2 saying so, the folder and the input untouched, no temp file left', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(10));
    mkdirSync(join(dir, 'results'));
    assert.equal(await run(['a.jsonl', '--out', 'results'], io), 2);
    assert.match(err, /^vertex-datasets split: cannot write \S*results: it is a folder; give a file path/);
    assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl', 'results']);
    assert.deepEqual(readdirSync(join(dir, 'results')), []);
    assert.equal(readFileSync(join(dir, 'a.jsonl'), 'utf8'), jsonl(10));
  });

  it('--out into a folder that does not exist: exit 2 naming the folder, not a temp file', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(10));
    assert.equal(await run(['a.jsonl', '--out', join('nope', 'b.jsonl')], io), 2);
    assert.match(err, /cannot write \S*nope\/b\.jsonl: the folder \S*nope does not exist/);
    assert.doesNotMatch(err, /\.tmp/);
  });
});
