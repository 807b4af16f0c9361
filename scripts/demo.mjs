// `npm run demo`: the extension in the offline VS Code (code-server) with the examples workspace and
// local mode on, so the Vertex AI view browses sample datasets and imports go to local servers that
// speak the real Vertex AI and Cloud Storage protocols. Prints the URL to open; Ctrl+C stops it.
//
//   node scripts/demo.mjs [--port N] [--smoke]
//     --port   port to listen on (default: a free port)
//     --smoke  start, check the workbench answers, stop (for CI)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureHost, freePort } from './host/install.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { port: { type: 'string' }, smoke: { type: 'boolean', default: false } } });
const log = (m) => process.stdout.write(`[demo] ${m}\n`);

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const { codeServer } = ensureHost();
const run = mkdtempSync(join(tmpdir(), 'vd-demo-'));
mkdirSync(join(run, 'user-data', 'User'), { recursive: true });
writeFileSync(join(run, 'user-data', 'User', 'settings.json'), JSON.stringify({
  'vertexDatasets.endpoint': 'local',
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
}, null, 2));
const port = Number(opts.port ?? (await freePort()));
const workspace = join(root, 'examples');
const server = spawn(process.execPath, [codeServer, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
  '--disable-workspace-trust', '--user-data-dir', join(run, 'user-data'), '--extensions-dir', join(run, 'extensions'), workspace], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  rmSync(run, { recursive: true, force: true });
};
process.once('SIGINT', () => (stop(), process.exit(130)));
process.once('SIGTERM', () => (stop(), process.exit(143)));
server.once('exit', (code) => {
  log(`code-server exited (${code})`);
  rmSync(run, { recursive: true, force: true });
  process.exit(code ?? 1);
});

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    // not up yet
  }
  if (Date.now() > deadline) {
    log('code-server did not start within 60 s');
    stop();
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]];
const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
log('VS Code with Vertex Datasets (local mode: sample datasets, no Google account) is running.');
log(`Open: ${url}`);
log('The "Vertex AI" icon in the activity bar shows the datasets; right-click a .jsonl file > "Import into Vertex AI Dataset…". Ctrl+C stops.');
if (opts.smoke) {
  const res = await fetch(url);
  log(`workbench answered ${res.status}`);
  server.removeAllListeners('exit');
  stop();
  process.exit(res.ok ? 0 : 1);
}
