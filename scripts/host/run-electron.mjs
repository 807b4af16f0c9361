// Runs the same in-host suites (out/test/vscode) under @vscode/test-electron: a desktop VS Code
// downloaded from Microsoft's update service. For machines with internet (a laptop, a public CI);
// offline machines use scripts/host/run-tests.mjs (code-server + headless Chromium) instead.
// Build first: `node scripts/build.mjs`.
//
//   node scripts/host/run-electron.mjs [--version 1.100.3] [--grep PATTERN] [--restricted]
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  options: {
    version: { type: 'string', default: '1.100.3' },
    grep: { type: 'string' },
    restricted: { type: 'boolean', default: false },
  },
});

const run = mkdtempSync(join(tmpdir(), 'vd-electron-run-'));
const workspace = join(run, 'workspace');
cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
const resultFile = join(run, 'result.json');
mkdirSync(join(run, 'user-data'), { recursive: true });

let code = 1;
try {
  await runTests({
    version: opts.version,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'vscode', 'index.js'),
    launchArgs: [workspace, '--user-data-dir', join(run, 'user-data'), '--extensions-dir', join(run, 'extensions'),
      '--disable-extensions', ...(opts.restricted ? [] : ['--disable-workspace-trust'])],
    extensionTestsEnv: {
      VERTEX_DATASETS_TEST_RESULT: resultFile,
      VERTEX_DATASETS_TEST_GREP: opts.grep ?? '',
      VERTEX_DATASETS_TEST_ARTIFACTS: join(root, '.test-artifacts', 'electron'),
    },
  });
  code = 0;
} catch (e) {
  process.stderr.write(`[electron] ${e.message ?? e}\n`);
} finally {
  try {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    process.stdout.write(`\n${result.report}\n${result.passed} passed, ${result.failed} failed\n`);
  } catch {
    process.stdout.write('no test result was written (VS Code did not start or the test entry crashed)\n');
  }
  rmSync(run, { recursive: true, force: true });
}
process.exit(code);
