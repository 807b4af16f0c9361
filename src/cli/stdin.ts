/**
 * Piped input for the CLI: `-` (standard input) and paths that are not regular files (/dev/stdin,
 * named pipes, `<(...)` process substitution) can be read only once, from the start, while the
 * validator reads a file several times (format sniffing, then the lines, then the lines its dataset
 * findings sit on). Such input is copied once into a private temporary file, validated from there,
 * and shown in every report under the name the user gave.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isatty } from 'node:tty';
import { fileKind, type FileKind } from '../core/files';
import { FORMATS, isFormatId } from '../core/formats';
import type { CliIo } from './io';
import { aliasPath } from './output/report';

/** Names that mean this process's standard input. */
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

export function isStdinName(name: string): boolean {
  return STDIN_NAMES.has(name);
}

/** How piped input is shown in reports: `<stdin>` for `-`, otherwise the name given. */
export function pipedName(name: string): string {
  return name === '-' ? '<stdin>' : name;
}

export interface PipedInputs {
  /** The paths to read: each piped input replaced by its temporary copy, everything else as given. */
  paths: string[];
  /** Names of the temporary copies as the user gave them (for messages). */
  names: Map<string, string>;
  /** A one-line reason when piped input cannot be read (exit 2). */
  problem?: string;
  /** Removes the temporary copies. */
  dispose(): Promise<void>;
}

export interface PipeOptions {
  /** The format asked for: decides JSON Lines or CSV when the name has no extension. */
  format?: string;
  /** A JSON Schema was given: custom datasets are JSON Lines. */
  jsonl?: boolean;
  /**
   * The name standard input stands for (`--stdin-name`, e.g. the path of the file piped in by a
   * pre-commit hook): reports show it instead of `<stdin>`, and its extension says JSON Lines or CSV.
   */
  stdinName?: string;
}

/** The stream `-` reads: the injected one (tests), else the process's standard input. */
function stdinOf(io: CliIo): Readable {
  return io.stdin ?? process.stdin;
}

function stdinIsTerminal(io: CliIo): boolean {
  return io.stdin ? (io.stdin as { isTTY?: boolean }).isTTY === true : isatty(0);
}

/** True for a path that exists and is neither a regular file nor a folder (pipe, socket, device). */
async function isStream(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  return s !== undefined && !s.isFile() && !s.isDirectory();
}

/**
 * Copies every piped input among `names` (resolved against `io.cwd`) into a temporary file whose
 * extension says how to read it: the name's own extension when it has one, else the format asked
 * for, else the content (JSON Lines when the first non-blank line, or most of the first lines,
 * open a JSON value).
 */
export async function readPipedInputs(names: readonly string[], io: CliIo, options: PipeOptions = {}): Promise<PipedInputs> {
  let dir: string | undefined;
  const unalias: (() => void)[] = [];
  const copies = new Map<string, string>();
  const result: PipedInputs = {
    paths: [],
    names: new Map(),
    dispose: async () => {
      for (const u of unalias) u();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
  if (options.stdinName !== undefined && !names.some(isStdinName)) {
    result.problem = `--stdin-name names standard input: give - among the files (git show :${options.stdinName} | vertex-datasets ... - --stdin-name ${options.stdinName})`;
    return result;
  }
  for (const name of names) {
    const stdin = isStdinName(name);
    if (!stdin && !(await isStream(resolve(io.cwd, name)))) {
      result.paths.push(name);
      continue;
    }
    // Standard input read once: `- /dev/stdin` names it twice.
    const key = stdin ? '-' : resolve(io.cwd, name);
    const done = copies.get(key);
    if (done) {
      result.paths.push(done);
      continue;
    }
    if (stdin && stdinIsTerminal(io)) {
      result.problem = `${name} reads standard input, which is a terminal: pipe the file in (cat data.jsonl | vertex-datasets ... ${name}) or name the file`;
      return result;
    }
    dir ??= await mkdtemp(join(tmpdir(), 'vertex-datasets-'));
    const named = stdin && options.stdinName ? options.stdinName : name;
    const shown = named === '-' ? pipedName(name) : named;
    const raw = join(dir, `input${copies.size + 1}`);
    try {
      await pipeline(stdin ? stdinOf(io) : createReadStream(resolve(io.cwd, name)), createWriteStream(raw));
    } catch (e) {
      result.problem = `cannot read ${shown}: ${(e as Error).message}`;
      return result;
    }
    const kind = fileKind(named) ?? kindOfFormat(options) ?? (await kindOfContent(raw));
    // A folder of its own per input keeps the file's base name the one shown in messages.
    const copy = join(dir, String(copies.size + 1), `${basename(named === '-' ? 'stdin' : named).replace(/\.(jsonl|ndjson|csv)$/i, '')}.${kind}`);
    await mkdir(dirname(copy), { recursive: true });
    await rename(raw, copy);
    copies.set(key, copy);
    result.names.set(copy, shown);
    unalias.push(aliasPath(copy, shown));
    result.paths.push(copy);
  }
  return result;
}

function kindOfFormat(options: PipeOptions): FileKind | undefined {
  if (options.jsonl) return 'jsonl';
  if (!options.format || !isFormatId(options.format)) return undefined;
  const f = FORMATS[options.format];
  if (f.jsonl && !f.csv) return 'jsonl';
  if (f.csv && !f.jsonl) return 'csv';
  return undefined;
}

/** Lines of the head looked at when the first one does not settle it. */
const SNIFF_LINES = 20;

/**
 * JSON Lines when the first non-blank character (after a byte order mark) opens a JSON object or
 * array, or when most of the first non-blank lines do (a JSON Lines file whose first line is
 * broken); CSV otherwise. A CSV row rarely starts with `{` or `[`, and never most of them.
 */
async function kindOfContent(path: string): Promise<FileKind> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text === '' || text.startsWith('{') || text.startsWith('[')) return 'jsonl';
    const lines = text.split('\n');
    // A full head may end inside a line.
    if (bytesRead === head.length && lines.length > 1) lines.pop();
    const sample = lines.filter((l) => l.trim() !== '').slice(0, SNIFF_LINES);
    const json = sample.filter((l) => /^\s*[{[]/.test(l)).length;
    return json * 2 > sample.length ? 'jsonl' : 'csv';
  } finally {
    await handle.close();
  }
}
