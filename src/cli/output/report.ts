/**
 * The CLI's report formats: compiler-style text, the documented JSON shape, and SARIF 2.1.0.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareDiagnostics, countSeverities, type Diagnostic } from '../../core/diagnostics';
import { codeDocUrl, PROJECT_URL } from '../../core/docs';
import type { DiagnosticSpool } from './spool';
import type { UnlistedCounts } from '../../core/validate';

export interface FileReport {
  path: string;
  format?: string;
  items: number;
  diagnostics: Diagnostic[];
  /** Diagnostics spooled to disk while the file was validated; `diagnostics` holds the rest. */
  spool?: DiagnosticSpool;
  /** Line diagnostics counted but not kept (statistics need only their number); `diagnostics` holds the rest. */
  counted?: SeverityCounter;
  /** Problems over `--max-problems`: not listed, but counted in the file's totals. */
  unlisted?: UnlistedCounts;
}

/** A diagnostic store that keeps only the counts per severity, and the first error by position (to say why a file gave nothing). */
export class SeverityCounter {
  readonly counts = { errors: 0, warnings: 0, infos: 0 };
  firstError?: Diagnostic;
  get count(): number {
    return this.counts.errors + this.counts.warnings + this.counts.infos;
  }
  push(d: Diagnostic): void {
    if (d.severity === 'error') {
      this.counts.errors++;
      // The first by position, as validate lists them (findings do not arrive in that order).
      if (!this.firstError || compareDiagnostics(d, this.firstError) < 0) this.firstError = d;
    } else if (d.severity === 'warning') this.counts.warnings++;
    else this.counts.infos++;
  }
  clear(): void {
    this.counts.errors = this.counts.warnings = this.counts.infos = 0;
    this.firstError = undefined;
  }
}

export type OutputKind = 'text' | 'json' | 'sarif';

/** Names shown for temporary copies of piped input (`-`, /dev/stdin, named pipes). */
const aliases = new Map<string, string>();

/** Shows `path` as `name` in every report until the returned function is called. */
export function aliasPath(path: string, name: string): () => void {
  aliases.set(path, name);
  return () => void aliases.delete(path);
}

export function displayPath(path: string, cwd: string): string {
  const alias = aliases.get(path);
  if (alias !== undefined) return alias;
  const rel = relative(cwd, path);
  return (rel && !rel.startsWith('..') ? rel : path).split(sep).join('/');
}

/** A file's diagnostics in report order (by position, then code). */
export function reportDiagnostics(f: FileReport): Iterable<Diagnostic> {
  return f.spool ? f.spool.sorted(f.diagnostics) : [...f.diagnostics].sort(compareDiagnostics);
}

/** Error and warning counts of a file, spooled diagnostics included. */
export function reportCounts(f: FileReport): { errors: number; warnings: number } {
  const c = countSeverities(f.diagnostics, f.unlisted);
  let errors = c.errors;
  let warnings = c.warnings;
  if (f.spool) {
    errors += f.spool.errors;
    warnings += f.spool.warnings;
  }
  return { errors, warnings };
}

/** Collects written text into blocks of about 64 KB for `write`, so reports stream in bounded memory. */
class Chunked {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly write: (text: string) => void) {}
  add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 65536) this.flush();
  }
  flush(): void {
    if (this.parts.length) this.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

function collect(writeReport: (write: (text: string) => void) => void): string {
  const parts: string[] = [];
  writeReport((t) => parts.push(t));
  return parts.join('');
}

export function textReport(files: readonly FileReport[], cwd: string): string {
  return collect((write) => writeTextReport(files, cwd, write));
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Text for a terminal line: control characters a message quotes from the file (a line break, a terminal escape) as \\u escapes. */
function printable(text: string): string {
  return CONTROL.test(text) ? text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

/** Compiler-style lines, then a summary line; written in blocks as the diagnostics are read. */
export function writeTextReport(files: readonly FileReport[], cwd: string, write: (text: string) => void): void {
  const out = new Chunked(write);
  let errors = 0;
  let warnings = 0;
  let items = 0;
  for (const f of files) {
    const shown = displayPath(f.path, cwd);
    for (const d of reportDiagnostics(f)) {
      out.add(`${shown}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${printable(d.message)}\n`);
      for (const r of d.related ?? []) out.add(`    ${r.path ? displayPath(r.path, cwd) : shown}:${r.line}:${r.column}: ${printable(r.message)}\n`);
    }
    const c = reportCounts(f);
    errors += c.errors;
    warnings += c.warnings;
    items += f.items;
  }
  // Digit grouping by hand: toLocaleString loads ICU data (~10 ms) for one summary line.
  const plural = (n: number, w: string) => `${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} ${w}${n === 1 ? '' : 's'}`;
  out.add(`${plural(files.length, 'file')}, ${plural(items, 'item')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
  out.flush();
}

export function jsonReport(files: readonly FileReport[], cwd: string): string {
  return collect((write) => writeJsonReport(files, cwd, write));
}

/**
 * `{"files":[{"path","format","items","errors","warnings","diagnostics":[...]}]}`, byte for byte
 * what JSON.stringify gives for the whole report, written a diagnostic at a time.
 */
export function writeJsonReport(files: readonly FileReport[], cwd: string, write: (text: string) => void): void {
  const out = new Chunked(write);
  out.add('{"files":[');
  files.forEach((f, i) => {
    const c = reportCounts(f);
    const head = JSON.stringify({ path: displayPath(f.path, cwd), format: f.format ?? null, items: f.items, errors: c.errors, warnings: c.warnings, diagnostics: [] });
    out.add((i ? ',' : '') + head.slice(0, -2));
    let first = true;
    for (const d of reportDiagnostics(f)) {
      const o: Record<string, unknown> = {
        line: d.line,
        column: d.column,
        endLine: d.endLine,
        endColumn: d.endColumn,
        severity: d.severity,
        code: d.code,
        message: d.message,
      };
      if (d.related?.length) o.related = d.related.map((r) => ({ ...r, path: r.path ? displayPath(r.path, cwd) : undefined }));
      out.add((first ? '' : ',') + JSON.stringify(o));
      first = false;
    }
    out.add(']}');
  });
  out.add(']}\n');
  out.flush();
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF artifact locations are URI references: a path under the working folder is percent-encoded
 * relative to %SRCROOT% (a space or # in a file name would otherwise end the path); others are file: URIs.
 */
function sarifLocation(path: string, cwd: string): { uri: string; uriBaseId?: string } {
  const alias = aliases.get(path);
  if (alias !== undefined) return { uri: alias.split('/').map(encodeURIComponent).join('/') };
  const rel = relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(path).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

export function sarifReport(files: readonly FileReport[], cwd: string, version: string): string {
  const rules = new Map<string, { id: string; helpUri: string }>();
  const results = [];
  for (const f of files) {
    const artifact = sarifLocation(f.path, cwd);
    for (const d of reportDiagnostics(f)) {
      if (!rules.has(d.code)) rules.set(d.code, { id: d.code, helpUri: codeDocUrl(d.code) });
      results.push({
        ruleId: d.code,
        level: SARIF_LEVEL[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifact,
              region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
            },
          },
        ],
        ...(d.related?.length
          ? {
              relatedLocations: d.related.map((r, i) => ({
                id: i + 1,
                message: { text: r.message },
                physicalLocation: {
                  artifactLocation: r.path ? sarifLocation(r.path, cwd) : artifact,
                  region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
                },
              })),
            }
          : {}),
      });
    }
  }
  return (
    JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: { driver: { name: 'vertex-datasets', version, informationUri: PROJECT_URL, rules: [...rules.values()] } },
            columnKind: 'utf16CodeUnits',
            results,
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}
