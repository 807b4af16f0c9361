// Installs what the in-host tests need: Debian packages (Chromium, ripgrep, Kerberos headers) and
// code-server (a full VS Code server and web workbench published on npm) in a cache folder of its
// own, outside this project's node_modules. Idempotent: a finished install is reused.
//
//   node scripts/host/install.mjs          install if needed, print the code-server path
//   VERTEX_DATASETS_HOST_DIR=<dir>         where code-server is installed (default ~/.cache/vertex-datasets)
//
// Why the extra steps: @vscode/ripgrep (inside code-server) downloads `rg` from GitHub in its
// postinstall, which fails without internet; its downloader first looks for the archive in a cache
// folder under os.tmpdir(), so we seed that folder with Debian's rg. npm blocks dependency install
// scripts unless package.json's `allowScripts` names them, and code-server's postinstall runs nested
// `npm install`s in lib/vscode and lib/vscode/extensions (each its own project). So code-server is
// installed with its own script blocked, each nested package.json gets an `allowScripts` naming
// exactly the packages its shrinkwrap marks `hasInstallScript`, then code-server's postinstall runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// code-server 4.100.x (VS Code 1.100.3) is the last line that runs on Node 20; newer ones need Node 22+.
export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = '/usr/bin/chromium';
const APT_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];

const log = (msg) => process.stderr.write(`[host-install] ${msg}\n`);

/** A free TCP port on the loopback interface (for code-server). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export function hostDir() {
  const root = process.env.VERTEX_DATASETS_HOST_DIR || join(homedir(), '.cache', 'vertex-datasets');
  return join(root, `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin(dir = hostDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

function missingAptPackages() {
  return APT_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f', '${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureAptPackages() {
  const missing = missingAptPackages();
  if (missing.length === 0 && existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}. Install them as root: apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', ...APT_PACKAGES], { env });
}

function extract(tgz, member, cwd) {
  execFileSync('tar', ['-xzf', tgz, member], { cwd });
  return readFileSync(join(cwd, member), 'utf8');
}

function npmPack(spec, cwd) {
  const out = execFileSync('npm', ['pack', spec, '--silent'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return join(cwd, out.trim().split('\n').pop());
}

/** Reads from the published packages what the install needs: rg cache name and install-script packages. */
function readInstallFacts(work) {
  const tgz = npmPack(`code-server@${CODE_SERVER_VERSION}`, work);
  const shrinkwraps = ['package/npm-shrinkwrap.json', 'package/lib/vscode/npm-shrinkwrap.json', 'package/lib/vscode/extensions/npm-shrinkwrap.json']
    .map((m) => JSON.parse(extract(tgz, m, work)));
  const withScripts = shrinkwraps.map((sw) => {
    const allow = {};
    for (const [path, entry] of Object.entries(sw.packages ?? {})) {
      if (entry.hasInstallScript && path) allow[path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)] = true;
    }
    return allow;
  });
  const rgVersion = shrinkwraps[1].packages['node_modules/@vscode/ripgrep']?.version;
  if (!rgVersion) throw new Error('could not find @vscode/ripgrep in code-server\'s lib/vscode/npm-shrinkwrap.json');
  const rgTgz = npmPack(`@vscode/ripgrep@${rgVersion}`, work);
  rmSync(join(work, 'package'), { recursive: true, force: true });
  const postinstall = extract(rgTgz, 'package/lib/postinstall.js', work);
  const tag = /const VERSION = '([^']+)'/.exec(postinstall)?.[1];
  if (!tag) throw new Error(`could not read the ripgrep release tag from @vscode/ripgrep@${rgVersion}`);
  return { rgVersion, tag, withScripts };
}

function seedRipgrepCache({ rgVersion, tag }) {
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!target) throw new Error(`unsupported architecture for the ripgrep cache: ${process.arch}`);
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${rgVersion}`);
  const archive = join(cacheDir, `ripgrep-${tag}-${target}.tar.gz`);
  if (existsSync(archive)) return;
  mkdirSync(cacheDir, { recursive: true });
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const rgDir = rg.slice(0, rg.lastIndexOf('/'));
  // The archive holds just `rg` at its root, as the GitHub release does.
  execFileSync('tar', ['-czf', archive, '-C', rgDir, 'rg']);
  log(`seeded ${archive} from ${rg}`);
}

function codeServerWorks(dir) {
  if (!existsSync(codeServerBin(dir))) return false;
  const r = spawnSync(process.execPath, [codeServerBin(dir), '--version'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 && r.stdout.includes(CODE_SERVER_VERSION);
}

function installCodeServer(dir) {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'vd-host-'));
  try {
    const facts = readInstallFacts(work);
    seedRipgrepCache(facts);
    const [top, vscode, extensions] = facts.withScripts;
    delete top['code-server'];
    writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'vertex-datasets-host', private: true, allowScripts: top }, null, 2));
    const env = { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' };
    run('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], { cwd: staging, env });
    const pkg = join(staging, 'node_modules', 'code-server');
    for (const [sub, allow] of [['lib/vscode', vscode], ['lib/vscode/extensions', extensions]]) {
      const file = join(pkg, sub, 'package.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), allowScripts: allow }, null, 2));
    }
    const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
    run('sh', ['./postinstall.sh'], {
      cwd: pkg,
      env: { ...env, npm_config_user_agent: `npm/${npmVersion} node/${process.version} ${process.platform} ${process.arch}` },
    });
    if (!codeServerWorks(staging)) throw new Error('code-server installed but `code-server --version` did not run');
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Makes sure Chromium and code-server are ready; returns their paths. */
export function ensureHost() {
  ensureAptPackages();
  const dir = hostDir();
  if (!codeServerWorks(dir)) {
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute)`);
    installCodeServer(dir);
  }
  return { codeServer: codeServerBin(dir), chromium: CHROMIUM };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { codeServer } = ensureHost();
    process.stdout.write(`${codeServer}\n`);
  } catch (e) {
    log(`failed: ${e.message}`);
    process.exit(1);
  }
}
