/**
 * File-level entry shared by the CLI and the editor's on-disk validation: picks the reader by
 * extension (JSONL or CSV), resolves sidecar schemas, and collects import files from folders.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { FormatId } from './formats';
import { detectJsonlFormat } from './jsonl/detect';
import type { Detection, ValidationResult } from './validate';
import { detectCsvFormat } from './csv/detect';
import { readCsvText, recordOfFields, type CsvRecord } from './csv/reader';
import { UsageError, validateJsonlFile, type JsonlFileOptions } from './jsonl/validate';
import { validateCsvFile } from './csv/validate';

export type FileKind = 'jsonl' | 'csv';

export function fileKind(path: string): FileKind | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return undefined;
}

/**
 * A JSON Schema beside a JSONL file (`name.schema.json` for `name.jsonl`) makes it a custom
 * dataset, so folders of custom datasets validate without flags.
 */
export function sidecarSchemaPath(path: string): string | undefined {
  const candidate = join(dirname(path), basename(path, extname(path)) + '.schema.json');
  return existsSync(candidate) ? candidate : undefined;
}

export function loadSchemaFile(path: string): object {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read schema ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const schema = JSON.parse(text);
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error('not a JSON object');
    return schema as object;
  } catch (e) {
    throw new UsageError(`schema ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export type FileOptions = JsonlFileOptions;

/** Validates one import file of either kind. Throws UsageError for unreadable or unsupported files. */
export async function validateFile(path: string, options: FileOptions = {}): Promise<ValidationResult> {
  const kind = fileKind(path);
  if (kind === 'csv') {
    if (options.customSchema) throw new UsageError(`${path}: custom datasets (--schema) are JSON Lines only`);
    return validateCsvFile(path, options);
  }
  let opts = options;
  if (!options.format && !options.customSchema) {
    const sidecar = sidecarSchemaPath(path);
    if (sidecar) opts = { ...options, customSchema: loadSchemaFile(sidecar) };
  }
  return validateJsonlFile(path, opts);
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out']);

/**
 * Expands folders into the import files they hold (recursively, sorted); files are kept as given.
 * A file named twice (or also found in a folder given) is listed once: counted twice, every line
 * of it would be a duplicate of itself.
 */
export async function collectImportFiles(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    const key = resolve(p);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(p);
  };
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(p);
      } else if (fileKind(p)) add(p);
    }
  };
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (s.isDirectory()) await walk(p);
    else add(p);
  }
  return { files, missing };
}

const SNIFF_BYTES = 1 << 20;
const SNIFF_LINES = 50;
const CSV_SNIFF_RECORDS = 50;

/** The format the JSONL validator will detect, decided from the same head of the file; undefined when not certain. */
export async function sniffJsonlFormat(path: string): Promise<FormatId | undefined> {
  const detection = await sniffJsonlDetection(path);
  return detection?.confidence === 'certain' ? detection.format : undefined;
}

/**
 * What the validator's format detection says of a JSONL or CSV file, from the same head of the file
 * (certain, or ambiguous with its candidates); undefined when the file cannot be read.
 */
export async function sniffDetection(path: string): Promise<Detection | undefined> {
  const kind = fileKind(path);
  if (kind === 'jsonl') return sniffJsonlDetection(path);
  if (kind !== 'csv') return undefined;
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const records: CsvRecord[] = [];
    let chars = 0;
    // As the CSV validator decides: the first 50 records or 1 Mi characters of fields.
    readCsvText(head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, ''), {
      onRecord: (r) => {
        if (records.length >= CSV_SNIFF_RECORDS || chars >= SNIFF_BYTES) return;
        records.push(recordOfFields([...r.fields]));
        for (const f of r.fields) chars += f.length;
      },
      onDiagnostic: () => undefined,
    });
    // A full head may end inside a record.
    if (bytesRead === SNIFF_BYTES && records.length > 1 && records.length < CSV_SNIFF_RECORDS) records.pop();
    return detectCsvFormat(records);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

async function sniffJsonlDetection(path: string): Promise<Detection | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const text = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const samples: Record<string, unknown>[] = [];
    for (const line of text.split('\n')) {
      if (samples.length >= SNIFF_LINES) break;
      if (!line.trim()) continue;
      try {
        const v: unknown = JSON.parse(line);
        if (v && typeof v === 'object' && !Array.isArray(v)) samples.push(v as Record<string, unknown>);
      } catch {
        // Unparseable lines say nothing about the format.
      }
    }
    return detectJsonlFormat(samples);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
