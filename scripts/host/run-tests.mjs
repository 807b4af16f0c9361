// Runs the suites in test/vscode inside a real VS Code extension host: code-server (VS Code's
// server and web workbench) with headless Chromium as the browser. Builds nothing: run
// `node scripts/build.mjs` first (scripts/test.mjs does).
//
//   node scripts/host/run-tests.mjs [--grep PATTERN] [--session trusted|restricted] [--bench] [--keep]
//     --grep        only tests whose full title matches (mocha grep)
//     --session     run one session only. By default two run: `trusted` (every suite except those
//                   tagged @restricted) and `restricted` (workspace trust on, the folder not
//                   trusted: Restricted Mode; only suites tagged @restricted)
//     --bench       run the in-host benchmarks (test/vscode/**/*.bench.ts) instead of the tests
//     --keep        keep the per-run temp folder (user data, workspace copy) for inspection
//   VERTEX_DATASETS_HOST_TIMEOUT  overall timeout in seconds (default 900)
//
// The in-host entry (out/test/vscode/index.js) runs mocha and writes its result as JSON to the
// file named by VERTEX_DATASETS_TEST_RESULT; this launcher waits for that file. Logs and
// screenshots go to .test-artifacts/host/.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, watch, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureHost, freePort } from './install.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string' },
    session: { type: 'string' },
    bench: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const timeoutMs = Number(process.env.VERTEX_DATASETS_HOST_TIMEOUT || 900) * 1000;
const artifacts = join(root, '.test-artifacts', 'host');
const testEntry = join(root, 'out', 'test', 'vscode', 'index.js');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const log = (msg) => process.stdout.write(`[host] ${msg}\n`);

/** Resolves when `check()` returns a truthy value; re-checks on every `poke` and every interval. */
function waitFor(what, check, ms, intervalMs = 250) {
  return new Promise((res, rej) => {
    const deadline = Date.now() + ms;
    const tick = async () => {
      try {
        const v = await check();
        if (v) return res(v);
      } catch {
        // not ready yet
      }
      if (Date.now() > deadline) return rej(new Error(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}`));
      setTimeout(tick, intervalMs);
    };
    tick();
  });
}

function waitForFile(file, ms, failed) {
  return new Promise((res, rej) => {
    const dir = dirname(file);
    let done = false;
    const finish = (fn, v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher.close();
      fn(v);
    };
    const check = () => {
      if (existsSync(file)) {
        try {
          finish(res, JSON.parse(readFileSync(file, 'utf8')));
        } catch {
          // partially written: the writer renames into place, so this is a foreign file; keep waiting
        }
      }
    };
    const watcher = watch(dir, check);
    const timer = setTimeout(() => finish(rej, new Error(`timed out after ${Math.round(ms / 1000)} s waiting for the test result (see ${artifacts})`)), ms);
    failed.then((err) => finish(rej, err));
    check();
  });
}

async function main() {
  for (const f of [join(root, 'dist', 'extension.js'), testEntry]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`node scripts/build.mjs\` first`);
  }
  const host = ensureHost();
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const sessions = opts.bench ? ['trusted'] : opts.session ? [opts.session] : ['trusted', 'restricted'];
  const started = Date.now();
  const totals = { passed: 0, failed: 0, pending: 0, error: false };
  for (const session of sessions) {
    if (session !== 'trusted' && session !== 'restricted') throw new Error(`--session must be trusted or restricted, not ${session}`);
    log(`session: ${session}`);
    const result = await runSession(host, session);
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.pending += result.pending;
    totals.error ||= Boolean(result.error);
  }
  log(`all sessions took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const benchFile = join(artifacts, 'trusted', 'editor-bench.json');
  if (opts.bench && existsSync(benchFile)) process.stdout.write(`\neditor benchmark (${benchFile}):\n${readFileSync(benchFile, 'utf8')}\n`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${totals.pending ? `, ${totals.pending} pending` : ''}\n`);
  return totals.failed === 0 && !totals.error && totals.passed > 0 ? 0 : 1;
}

async function runSession({ codeServer, chromium: chromiumPath }, session) {
  const restricted = session === 'restricted';
  const out = join(artifacts, session);
  mkdirSync(out, { recursive: true });

  const run = mkdtempSync(join(tmpdir(), 'vd-host-run-'));
  const workspace = join(run, 'workspace');
  cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const resultFile = join(run, 'result', 'result.json');
  mkdirSync(dirname(resultFile), { recursive: true });
  const port = await freePort();
  // No welcome page or walkthrough over the editors the tests open; no telemetry.
  mkdirSync(join(run, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(run, 'user-data', 'User', 'settings.json'), JSON.stringify({
    // Restricted session: trust is on and never asked for, so the folder stays untrusted.
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.untrustedFiles': 'open',
    'workbench.startupEditor': 'none',
    // The web workbench saves edits after a delay by default; tests revert their edits (as on desktop).
    'files.autoSave': 'off',
    // A remote workbench asks before opening files above 10 MB in an editor (desktop VS Code: 1 GB);
    // the benchmark's 20 MB file opens as it would on the desktop.
    'workbench.editorLargeFileConfirmation': 1024,
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  }, null, 2));

  const cleanups = [];
  const cleanup = async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()();
      } catch {
        // keep cleaning up the rest
      }
    }
  };
  const onSignal = (sig) => {
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (!opts.keep) cleanups.push(() => rmSync(run, { recursive: true, force: true }));

  const started = Date.now();
  try {
    const serverLog = createWriteStream(join(out, 'code-server.log'));
    const args = [codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
      '--disable-update-check', '--user-data-dir', join(run, 'user-data'), '--extensions-dir', join(run, 'extensions')];
    if (!restricted) args.push('--disable-workspace-trust');
    args.push(workspace);
    const server = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        VERTEX_DATASETS_TEST_RESULT: resultFile,
        VERTEX_DATASETS_TEST_GREP: opts.grep ?? '',
        VERTEX_DATASETS_TEST_SESSION: session,
        VERTEX_DATASETS_TEST_BENCH: opts.bench ? '1' : '',
        VERTEX_DATASETS_TEST_ARTIFACTS: out,
        VERTEX_DATASETS_TEST_SCREENSHOTS: '1',
      },
    });
    server.stdout.pipe(serverLog);
    server.stderr.pipe(serverLog);
    // Kill the whole process group: code-server forks the extension host and file watchers.
    cleanups.push(() => {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const serverExited = new Promise((res) => server.once('exit', (code, sig) => res(new Error(`code-server exited early (${code ?? sig}); see ${join(out, 'code-server.log')}`))));

    await waitFor('code-server to answer', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000);
    log(`code-server ready on 127.0.0.1:${port} after ${Date.now() - started} ms`);

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleLog = createWriteStream(join(out, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e.message}\n`));

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(testEntry)],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    // Screenshots on request from the in-host tests: they write <name>.screenshot-request into the
    // artifacts folder and wait for <name>.png plus the request renamed to .done.
    const shots = watch(out, (_event, file) => {
      if (!file || !file.endsWith('.screenshot-request')) return;
      const name = file.slice(0, -'.screenshot-request'.length);
      const request = join(out, file);
      if (!existsSync(request)) return;
      page.screenshot({ path: join(out, `${name}.png`) })
        .catch((e) => writeFileSync(join(out, `${name}.error`), String(e)))
        .finally(() => {
          try {
            renameSync(request, join(out, `${name}.done`));
          } catch {
            // already answered
          }
        });
    });
    cleanups.push(() => shots.close());
    // Clicks on request from the in-host tests (things only a user can do: a status bar item, a
    // quick pick row, a button inside a webview): <name>.ui-request holds {selector, webview?}; the
    // launcher clicks the first match (in the workbench, or in any webview frame) and renames the
    // request to <name>.done, writing <name>.error first when it could not.
    const uiRequests = watch(out, (_event, file) => {
      if (!file || !file.endsWith('.ui-request')) return;
      const name = file.slice(0, -'.ui-request'.length);
      const request = join(out, file);
      let req;
      try {
        req = JSON.parse(readFileSync(request, 'utf8'));
        renameSync(request, join(out, `${name}.ui-taken`));
      } catch {
        return; // partially written or already taken
      }
      clickFor(page, req)
        .catch((e) => writeFileSync(join(out, `${name}.error`), String(e?.message ?? e)))
        .finally(() => renameSync(join(out, `${name}.ui-taken`), join(out, `${name}.done`)));
    });
    cleanups.push(() => uiRequests.close());
    await page.goto(url);
    log('workbench opened; waiting for the in-host test run');

    let result;
    try {
      result = await waitForFile(resultFile, timeoutMs - (Date.now() - started), serverExited);
    } finally {
      await page.screenshot({ path: join(out, 'workbench.png') }).catch(() => undefined);
    }
    writeFileSync(join(out, 'result.json'), JSON.stringify(result, null, 2));
    process.stdout.write(`\n${result.report}\n`);
    log(`${session} session took ${((Date.now() - started) / 1000).toFixed(1)} s (mocha ${(result.durationMs / 1000).toFixed(1)} s): ${result.passed} passed, ${result.failed} failed`);
    if (result.error) process.stdout.write(`in-host error: ${result.error}\n`);
    return result;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Clicks `selector` in the workbench page or, with `webview`, in whichever frame holds it (webviews are nested iframes). */
async function clickFor(page, { selector, webview = false, timeoutMs = 20_000 }) {
  if (!webview) {
    await page.locator(selector).first().click({ timeout: timeoutMs });
    return;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const handle = await frame.$(selector).catch(() => null);
      if (handle) {
        await handle.click({ timeout: Math.max(1000, deadline - Date.now()) });
        return;
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview frame has ${selector}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`[host] FAILED: ${e.message}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
