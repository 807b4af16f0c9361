// Runs every test tier in order and fails on the first failing tier:
//   1. type-check (tsc --noEmit, strict)   2. bundle (esbuild)
//   3. core tests in plain Node (mocha)    4. cloud tests against local servers (mocha)
//   5. integration tests in a real VS Code (code-server + headless Chromium)
// `node scripts/test.mjs core` runs only the named tiers.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const want = (tier) => only.length === 0 || only.includes(tier);

function run(title, cmd, args) {
  process.stdout.write(`\n=== ${title}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    process.stderr.write(`\n✖ ${title} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}

const hasTests = (dir) => existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));

if (want('typecheck')) run('type-check', 'npx', ['tsc', '--noEmit', '-p', '.']);
if (want('typecheck')) run('type-check (webview)', 'npx', ['tsc', '--noEmit', '-p', 'src/webview']);
if (want('build') || want('vscode')) run('bundle', 'node', ['scripts/build.mjs']);
if (want('core')) run('core tests', 'npx', ['mocha', '--config', '.mocharc.json']);
if (want('cloud') && hasTests('test/cloud')) run('cloud tests', 'npx', ['mocha', '--config', 'test/cloud/.mocharc.json']);
if (want('vscode') && existsSync('scripts/host/run-tests.mjs')) run('VS Code integration tests', 'node', ['scripts/host/run-tests.mjs']);
process.stdout.write('\nAll test tiers passed.\n');
