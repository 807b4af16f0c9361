// The `vertex-datasets` executable (bundled to dist/cli.js). It runs the CLI bundle
// (dist/cli-main.js) through V8's code cache: parsing and compiling the bundle is most of the
// CLI's start-up, which a pre-commit hook or CI step validating a few small files pays each time.
// The cache lives in the user's cache folder, keyed by Node version, platform and the bundle's
// size and modification time; any problem with it (unwritable folder, stale or foreign data)
// only means the bundle is compiled as without it. VERTEX_DATASETS_NO_CODE_CACHE=1 turns it off.
//
// V8 compiles most functions when they are first called, and a cache holds the functions compiled
// when it was written. So the cache names the subcommands whose runs went into it, and the first
// real run of any other subcommand writes it again, with that run's functions added: one made by
// `vertex-datasets --help` no longer leaves `split` and `validate` compiling theirs on every run.
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

/** A cache file: MAGIC, the length of the list of subcommands (u16), that list (JSON), V8's data. */
const MAGIC = 'VDC1';

function parseCache(buf: Buffer | undefined): { commands: string[]; data: Buffer } | undefined {
  if (!buf || buf.length < 6 || buf.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const n = buf.readUInt16LE(4);
  try {
    const commands: unknown = JSON.parse(buf.toString('utf8', 6, 6 + n));
    if (!Array.isArray(commands) || !commands.every((c) => typeof c === 'string')) return undefined;
    return { commands, data: buf.subarray(6 + n) };
  } catch {
    return undefined;
  }
}

function formatCache(commands: string[], data: Buffer): Buffer {
  const list = Buffer.from(JSON.stringify(commands));
  const head = Buffer.alloc(6);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt16LE(list.length, 4);
  return Buffer.concat([head, list, data]);
}

/** The subcommand of this run, unless it only prints help (whose functions say little about the command's). */
function commandOfRun(argv: string[]): string | undefined {
  const command = argv[0];
  if (!command || command.startsWith('-') || argv.includes('--help') || argv.includes('-h') || command === 'help') return undefined;
  return /^[a-z][a-z-]{0,31}$/.test(command) ? command : undefined;
}

/** Other builds' caches kept (another install of the CLI on the machine may still use them). */
const KEEP_OTHERS = 2;

function pruneOthers(file: string): void {
  const dir = dirname(file);
  const others = readdirSync(dir)
    .filter((f) => f.startsWith('cli-') && f !== basename(file) && !f.endsWith('.tmp'))
    .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of others.slice(KEEP_OTHERS)) rmSync(old.path, { force: true });
}

function run(): void {
  const file = cacheFile();
  let cache: { commands: string[]; data: Buffer } | undefined;
  if (file) {
    try {
      cache = parseCache(readFileSync(file));
    } catch {
      cache = undefined;
    }
  }
  const source = readFileSync(mainPath, 'utf8');
  const script = new Script(Module.wrap(source.startsWith('#!') ? `//${source.slice(2)}` : source), {
    filename: mainPath,
    cachedData: cache?.data,
  });
  const used = cache !== undefined && !script.cachedDataRejected;
  if (process.env.VERTEX_DATASETS_CODE_CACHE_DEBUG) process.stderr.write(`code cache: ${!cache ? 'none' : used ? `used (${cache.commands.join(', ') || 'no command'})` : 'rejected'}\n`);
  const command = commandOfRun(process.argv.slice(2));
  if (file && (!used || (command !== undefined && !cache!.commands.includes(command)))) {
    // Written at exit, so the functions this run compiled are in the cache too (with those it
    // read from the cache, which stay compiled).
    process.once('exit', () => {
      try {
        const data = script.createCachedData();
        // Smaller than what was read: V8 dropped unused functions' bytecode during a long run, so
        // only this run's command is known to be in it.
        const commands = used && data.length >= cache!.data.length ? [...cache!.commands] : [];
        if (command !== undefined) commands.push(command);
        mkdirSync(dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, formatCache(commands, data));
        renameSync(tmp, file);
        pruneOthers(file);
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
