import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli';

const LINES = Array.from({ length: 10 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: i % 2 ? 'cat' : 'dog' } })).join('\n') + '\n';
const mode = (p: string) => statSync(p).mode & 0o777;

describe('split: permission bits of the files written', () => {
  let dir: string;
  let oldMask: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-split-mode-'));
    oldMask = process.umask(0o022);
  });
  after(() => {
    process.umask(oldMask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new --out file is writable by its owner even when the input is read-only', async () => {
    const input = join(dir, 'ro.jsonl');
    writeFileSync(input, LINES);
    chmodSync(input, 0o444);
    const r = await cli(['split', input, '--strategy', 'random', '--out', join(dir, 'out.jsonl')]);
    assert.equal(r.code, 0, r.err);
    assert.equal(mode(join(dir, 'out.jsonl')), 0o644);
  });

  it('new --per-split and fold files get the usual mode too', async () => {
    const input = join(dir, 'ro2.jsonl');
    writeFileSync(input, LINES);
    chmodSync(input, 0o400);
    assert.equal((await cli(['split', input, '--strategy', 'random', '--out', join(dir, 'per.jsonl'), '--per-split'])).code, 0);
    assert.equal((await cli(['split', input, '--strategy', 'kfold', '--k', '2', '--out', join(dir, 'k.jsonl')])).code, 0);
    const written = readdirSync(dir).filter((f) => f.startsWith('per.') || f.startsWith('k.'));
    assert.ok(written.length >= 4, written.join(', '));
    for (const f of written) assert.equal(mode(join(dir, f)), 0o644, f);
  });

  it('in place keeps the input\'s mode, and overwriting an earlier output keeps that file\'s', async () => {
    const input = join(dir, 'exec.jsonl');
    writeFileSync(input, LINES);
    chmodSync(input, 0o640);
    assert.equal((await cli(['split', input, '--strategy', 'random', '--in-place'])).code, 0);
    assert.equal(mode(input), 0o640);
    const out = join(dir, 'kept.jsonl');
    writeFileSync(out, 'old\n');
    chmodSync(out, 0o600);
    assert.equal((await cli(['split', input, '--strategy', 'random', '--out', out])).code, 0);
    assert.equal(mode(out), 0o600);
  });
});
