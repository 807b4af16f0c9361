// Runs the same in-host suites as scripts/host/run-tests.mjs (out/test/vscode, entry
// out/test/vscode/index.js) under @vscode/test-electron: a desktop VS Code, downloaded from
// Microsoft's update service into .vscode-test/ or given with --vscode. For machines with internet
// (a laptop, a public CI); offline machines use scripts/host/run-tests.mjs (code-server + headless
// Chromium). Build first: `node scripts/build.mjs`.
//
//   node scripts/host/run-electron.mjs [--version 1.100.3] [--vscode PATH] [--grep PATTERN] [--session trusted|restricted]
//     --version   VS Code version to download (default 1.100.3, the engines.vscode minimum)
//     --vscode    an installed VS Code executable to use instead of downloading (also VSCODE_EXECUTABLE)
//     --grep      only tests whose full title matches (mocha grep)
//     --session   run one session only; by default `trusted`, then `restricted` (Restricted Mode suites)
//   On Linux without a display, run it under `xvfb-run -a`.
//
// Exit code: 0 all passed, 1 a test failed or VS Code stopped, 2 VS Code could not be obtained
// (no network, bad --vscode path) or the build is missing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (msg) => process.stderr.write(`[electron] ${msg}\n`);

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      version: { type: 'string', default: '1.100.3' },
      vscode: { type: 'string', default: process.env.VSCODE_EXECUTABLE || undefined },
      grep: { type: 'string' },
      session: { type: 'string' },
      // Older spelling of --session restricted.
      restricted: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  log(`${e.message}\nusage: node scripts/host/run-electron.mjs [--version 1.100.3] [--vscode PATH] [--grep PATTERN] [--session trusted|restricted]`);
  process.exit(2);
}

const testEntry = join(root, 'out', 'test', 'vscode', 'index.js');
for (const f of [join(root, 'dist', 'extension.js'), testEntry]) {
  if (!existsSync(f)) {
    log(`${f} is missing: run \`node scripts/build.mjs\` first.`);
    process.exit(2);
  }
}
const sessions = opts.session ? [opts.session] : opts.restricted ? ['restricted'] : ['trusted', 'restricted'];
for (const s of sessions) {
  if (s !== 'trusted' && s !== 'restricted') {
    log(`--session must be trusted or restricted, not ${s}`);
    process.exit(2);
  }
}

const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

/** The VS Code executable: the one given, or a download (cached in .vscode-test/). Exits 2 with the reason when neither works. */
async function vscodeExecutable() {
  if (opts.vscode) {
    if (!existsSync(opts.vscode)) {
      log(`--vscode ${opts.vscode}: no such file. Give the path of an installed VS Code executable (e.g. /usr/share/code/code), or omit --vscode to download VS Code ${opts.version}.`);
      process.exit(2);
    }
    return opts.vscode;
  }
  try {
    return await downloadAndUnzipVSCode({ version: opts.version, cachePath: join(root, '.vscode-test'), timeout: 30_000 });
  } catch (e) {
    const reason = e?.cause?.message ?? e?.message ?? String(e);
    log(
      `could not download VS Code ${opts.version} from Microsoft's update service (update.code.visualstudio.com): ${reason}\n` +
        '  This launcher needs internet access to download VS Code, or an installed VS Code given with --vscode PATH (or VSCODE_EXECUTABLE).\n' +
        '  Offline, run the same suites in code-server with headless Chromium instead: node scripts/host/run-tests.mjs',
    );
    process.exit(2);
  }
}

const executable = await vscodeExecutable();
let failed = false;
for (const session of sessions) {
  const run = mkdtempSync(join(tmpdir(), 'vd-electron-run-'));
  try {
    const workspace = join(run, 'workspace');
    cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    const resultFile = join(run, 'result.json');
    // The same user settings as the code-server launcher: no start-up editors over the tests'
    // editors, no auto save, and in the restricted session trust on but never asked for.
    mkdirSync(join(run, 'user-data', 'User'), { recursive: true });
    writeFileSync(join(run, 'user-data', 'User', 'settings.json'), JSON.stringify({
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'workbench.startupEditor': 'none',
      'files.autoSave': 'off',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
    }, null, 2));
    log(`session: ${session} (${executable})`);
    try {
      await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: root,
        extensionTestsPath: testEntry,
        launchArgs: [workspace, '--user-data-dir', join(run, 'user-data'), '--extensions-dir', join(run, 'extensions'),
          '--disable-extensions', ...(session === 'restricted' ? [] : ['--disable-workspace-trust'])],
        extensionTestsEnv: {
          VERTEX_DATASETS_TEST_RESULT: resultFile,
          VERTEX_DATASETS_TEST_GREP: opts.grep ?? '',
          VERTEX_DATASETS_TEST_SESSION: session,
          VERTEX_DATASETS_TEST_ARTIFACTS: join(root, '.test-artifacts', 'electron', session),
        },
      });
    } catch (e) {
      failed = true;
      log(`${session} session: ${e?.message ?? e}`);
    }
    try {
      const result = JSON.parse(readFileSync(resultFile, 'utf8'));
      process.stdout.write(`\n${result.report}\n${session}: ${result.passed} passed, ${result.failed} failed\n`);
      if (result.failed > 0 || result.error || result.passed === 0) failed = true;
    } catch {
      failed = true;
      process.stdout.write(`${session}: no test result was written (VS Code did not start or the test entry crashed; on Linux without a display use xvfb-run -a)\n`);
    }
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
