// dist/cli.js runs the CLI bundle through V8's code cache (src/cli/launch.ts). Whatever state the
// cache is in, the output must be the same; the cache itself is only ever an optimisation.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

describe('CLI launcher and its code cache', function () {
  this.timeout(60_000);
  let home: string;
  before(function () {
    // Needs the bundles (npm test builds them first; a dist from before the launcher has no cli-main.js).
    if (!existsSync(CLI) || !existsSync(join(ROOT, 'dist', 'cli-main.js'))) this.skip();
    home = mkdtempSync(join(tmpdir(), 'vd-launch-'));
  });
  after(() => home && rmSync(home, { recursive: true, force: true }));

  const run = (cacheHome: string, extraEnv: Record<string, string> = {}) => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
    delete env.VERTEX_DATASETS_NO_CODE_CACHE;
    Object.assign(env, extraEnv);
    return spawnSync(process.execPath, [CLI, 'validate', '--output', 'json', 'examples/broken/boxes-broken.jsonl'], { cwd: ROOT, encoding: 'utf8', env });
  };
  const cacheFiles = (cacheHome: string) => {
    const dir = join(cacheHome, 'vertex-datasets', 'code-cache');
    return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  };

  it('gives the same output without a cache, with one, with a corrupt one, and with none allowed', () => {
    const cacheHome = join(home, 'cache');
    const first = run(cacheHome);
    assert.equal(first.status, 1, first.stderr);
    assert.ok(JSON.parse(first.stdout).files[0].errors > 0);
    const files = cacheFiles(cacheHome);
    assert.equal(files.length, 1, 'the first run writes one cache file');
    const written = readFileSync(files[0]);
    assert.ok(written.length > 1000);

    const cached = run(cacheHome);
    assert.deepEqual([cached.status, cached.stdout, cached.stderr], [first.status, first.stdout, first.stderr]);

    writeFileSync(files[0], 'not a code cache');
    const corrupt = run(cacheHome);
    assert.deepEqual([corrupt.status, corrupt.stdout, corrupt.stderr], [first.status, first.stdout, first.stderr]);
    assert.notEqual(readFileSync(files[0], 'utf8'), 'not a code cache', 'rejected data is replaced');

    const off = join(home, 'off');
    const disabled = run(off, { VERTEX_DATASETS_NO_CODE_CACHE: '1' });
    assert.deepEqual([disabled.status, disabled.stdout], [first.status, first.stdout]);
    assert.equal(cacheFiles(off).length, 0);
  });

  it('validates JSONL the same where code generation from strings is disallowed (no layouts learned)', () => {
    const args = [CLI, 'validate', '--output', 'json', 'examples/broken/boxes-broken.jsonl'];
    const env = { ...process.env, XDG_CACHE_HOME: join(home, 'nogen') };
    const normal = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env });
    const restricted = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', ...args], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(restricted.stderr, '');
    assert.deepEqual([restricted.status, restricted.stdout], [normal.status, normal.stdout]);
    assert.ok(JSON.parse(normal.stdout).files[0].errors > 0);
  });

  it('runs when the cache folder cannot be created, and drops caches of other builds', () => {
    const blocker = join(home, 'a-file');
    writeFileSync(blocker, 'x');
    const r = run(blocker);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '');
    assert.ok(JSON.parse(r.stdout).files[0].errors > 0);

    const cacheHome = join(home, 'stale');
    run(cacheHome);
    const [current] = cacheFiles(cacheHome);
    // Caches of other builds: the two most recent stay (another install may still use them).
    const dir = join(cacheHome, 'vertex-datasets', 'code-cache');
    const stale = ['cli-v0.0.0-a.bin', 'cli-v0.0.0-b.bin', 'cli-v0.0.0-c.bin'].map((f, i) => {
      const p = join(dir, f);
      writeFileSync(p, 'old');
      utimesSync(p, 1_000_000 + i * 1000, 1_000_000 + i * 1000);
      return p;
    });
    rmSync(current);
    run(cacheHome);
    assert.deepEqual(cacheFiles(cacheHome).sort(), [current, stale[1], stale[2]].sort());
  });

  it('adds the functions of each subcommand to the cache on its first run', () => {
    const cacheHome = join(home, 'grow');
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, VERTEX_DATASETS_CODE_CACHE_DEBUG: '1' };
    delete env.VERTEX_DATASETS_NO_CODE_CACHE;
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env });
    const size = () => readFileSync(cacheFiles(cacheHome)[0]).length;

    assert.equal(cli('--help').stderr, 'code cache: none\n');
    const afterHelp = size();
    // Help of a subcommand says little about the subcommand's own functions: nothing is added.
    assert.equal(cli('validate', '--help').stderr, 'code cache: used (no command)\n');
    assert.equal(size(), afterHelp);

    const validate = cli('validate', '--output', 'json', 'examples/broken/boxes-broken.jsonl');
    assert.equal(validate.stderr, 'code cache: used (no command)\n');
    assert.equal(validate.status, 1);
    const afterValidate = size();
    assert.ok(afterValidate > afterHelp * 2, `${afterHelp} -> ${afterValidate}`);
    const again = cli('validate', '--output', 'json', 'examples/broken/boxes-broken.jsonl');
    assert.equal(again.stderr, 'code cache: used (validate)\n');
    assert.equal(again.stdout, validate.stdout);
    assert.equal(size(), afterValidate, 'a subcommand already in the cache does not write it again');

    const stats = cli('stats', '--output', 'json', 'examples/image-classification');
    assert.equal(stats.status, 0, stats.stderr);
    assert.ok(size() > afterValidate);
    assert.equal(cli('stats', '--output', 'json', 'examples/image-classification').stderr, 'code cache: used (validate, stats)\n');
  });

  it('treats a cache file of the earlier layout (V8 data only) as none, and replaces it', () => {
    const cacheHome = join(home, 'layout');
    run(cacheHome);
    const [file] = cacheFiles(cacheHome);
    const v8Data = readFileSync(file).subarray(6 + readFileSync(file).readUInt16LE(4));
    writeFileSync(file, v8Data);
    const r = run(cacheHome, { VERTEX_DATASETS_CODE_CACHE_DEBUG: '1' });
    assert.equal(r.stderr, 'code cache: none\n');
    assert.equal(readFileSync(file).toString('latin1', 0, 4), 'VDC1');
  });
});
