// The `vertex-datasets` executable (bundled to dist/cli.js). It runs the CLI bundle
// (dist/cli-main.js) through V8's code cache: parsing and compiling the bundle is most of the
// CLI's start-up, which a pre-commit hook or CI step validating a few small files pays each time.
// The cache lives in the user's cache folder, keyed by Node version, platform and the bundle's
// size and modification time; any problem with it (unwritable folder, stale or foreign data)
// only means the bundle is compiled as without it. VERTEX_DATASETS_NO_CODE_CACHE=1 turns it off.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const mainPath = join(__dirname, 'cli-main.js');

function cacheFile(): string | undefined {
  if (process.env.VERTEX_DATASETS_NO_CODE_CACHE) return undefined;
  try {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const { size, mtimeMs } = statSync(mainPath);
    return join(base, 'vertex-datasets', 'code-cache', `cli-${process.version}-${process.platform}-${process.arch}-${size}-${Math.floor(mtimeMs)}.bin`);
  } catch {
    return undefined;
  }
}

function run(): void {
  const file = cacheFile();
  let cached: Buffer | undefined;
  if (file) {
    try {
      cached = readFileSync(file);
    } catch {
      cached = undefined;
    }
  }
  const source = readFileSync(mainPath, 'utf8');
  const script = new Script(Module.wrap(source.startsWith('#!') ? `//${source.slice(2)}` : source), {
    filename: mainPath,
    cachedData: cached,
  });
  if (process.env.VERTEX_DATASETS_CODE_CACHE_DEBUG) process.stderr.write(`code cache: ${!cached ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
  if (file && (!cached || script.cachedDataRejected)) {
    // Written at exit, so the functions this run compiled are in the cache too.
    process.once('exit', () => {
      try {
        mkdirSync(dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
        // Caches of earlier builds or Node versions are never read again.
        for (const old of readdirSync(dirname(file))) {
          if (old.startsWith('cli-') && old !== basename(file) && !old.endsWith('.tmp')) rmSync(join(dirname(file), old), { force: true });
        }
      } catch {
        // No cache this time: the next run compiles again.
      }
    });
  }
  const mod = new Module(mainPath, module);
  mod.filename = mainPath;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(mainPath));
  const wrapper = script.runInThisContext() as (exports: object, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(mainPath), mod, mainPath, dirname(mainPath));
}

run();
