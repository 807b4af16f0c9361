import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'host', 'run-electron.mjs');

/** The @vscode/test-electron launcher must fail fast and say why when it cannot get a VS Code. */
describe('scripts/host/run-electron.mjs without a VS Code', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('an --vscode path that does not exist: exit 2 with what to do', () => {
    const r = run('--vscode', '/nonexistent/vscode/code');
    assert.equal(r.status, 2, r.stderr);
    // Without a build the launcher says that first; either way the message names the fix.
    assert.match(r.stderr, /--vscode \/nonexistent\/vscode\/code: no such file|is missing: run `node scripts\/build\.mjs` first/);
  });

  it('a VS Code version that cannot be downloaded: exit 2, pointing to --vscode and run-tests.mjs', function () {
    this.timeout(90_000);
    const r = run('--version', '0.0.1-no-such-release');
    assert.equal(r.status, 2, r.stderr);
    if (/is missing: run/.test(r.stderr)) return; // not built: the download is never tried
    assert.match(r.stderr, /could not download VS Code 0\.0\.1-no-such-release/);
    assert.match(r.stderr, /--vscode PATH/);
    assert.match(r.stderr, /node scripts\/host\/run-tests\.mjs/);
  });

  it('a bad --session value: exit 2', () => {
    const r = run('--session', 'sometimes');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--session must be trusted or restricted|is missing: run/);
  });
});
