/**
 * The CLI's report formats: compiler-style text, the documented JSON shape, and SARIF 2.1.0.
 */
import { relative, sep } from 'node:path';
import { compareDiagnostics, countSeverities, type Diagnostic } from '../../core/diagnostics';
import { codeDocUrl, PROJECT_URL } from '../../core/docs';

export interface FileReport {
  path: string;
  format?: string;
  items: number;
  diagnostics: Diagnostic[];
}

export type OutputKind = 'text' | 'json' | 'sarif';

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return (rel && !rel.startsWith('..') ? rel : path).split(sep).join('/');
}

export function textReport(files: readonly FileReport[], cwd: string): string {
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let items = 0;
  for (const f of files) {
    const shown = displayPath(f.path, cwd);
    for (const d of [...f.diagnostics].sort(compareDiagnostics)) {
      lines.push(`${shown}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
      for (const r of d.related ?? []) lines.push(`    ${r.path ? displayPath(r.path, cwd) : shown}:${r.line}:${r.column}: ${r.message}`);
    }
    const c = countSeverities(f.diagnostics);
    errors += c.errors;
    warnings += c.warnings;
    items += f.items;
  }
  // Digit grouping by hand: toLocaleString loads ICU data (~10 ms) for one summary line.
  const plural = (n: number, w: string) => `${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(files.length, 'file')}, ${plural(items, 'item')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return lines.join('\n') + '\n';
}

export function jsonReport(files: readonly FileReport[], cwd: string): string {
  return (
    JSON.stringify({
      files: files.map((f) => {
        const c = countSeverities(f.diagnostics);
        return {
          path: displayPath(f.path, cwd),
          format: f.format ?? null,
          items: f.items,
          errors: c.errors,
          warnings: c.warnings,
          diagnostics: [...f.diagnostics].sort(compareDiagnostics).map((d) => {
            const out: Record<string, unknown> = {
              line: d.line,
              column: d.column,
              endLine: d.endLine,
              endColumn: d.endColumn,
              severity: d.severity,
              code: d.code,
              message: d.message,
            };
            if (d.related?.length) out.related = d.related.map((r) => ({ ...r, path: r.path ? displayPath(r.path, cwd) : undefined }));
            return out;
          }),
        };
      }),
    }) + '\n'
  );
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function sarifReport(files: readonly FileReport[], cwd: string, version: string): string {
  const rules = new Map<string, { id: string; helpUri: string }>();
  const results = [];
  for (const f of files) {
    const uri = displayPath(f.path, cwd);
    for (const d of [...f.diagnostics].sort(compareDiagnostics)) {
      if (!rules.has(d.code)) rules.set(d.code, { id: d.code, helpUri: codeDocUrl(d.code) });
      results.push({
        ruleId: d.code,
        level: SARIF_LEVEL[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
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
                  artifactLocation: { uri: r.path ? displayPath(r.path, cwd) : uri, uriBaseId: '%SRCROOT%' },
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
