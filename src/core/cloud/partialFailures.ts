/**
 * Maps the partial failures Vertex reports in an ImportData operation's metadata
 * (`GenericOperationMetadata.partialFailures`, `google.rpc.Status`, at most 20) back to the lines
 * of the local files that were uploaded, as diagnostics with code `import.rowFailed`.
 *
 * The wording of Vertex's per-row messages is not documented; they name the gs:// file and the
 * row, so the mapping looks for the uploaded file's URI and a `line N` / `row N` mention, then
 * falls back to matching a quoted copy of the row against the local lines. A failure that cannot
 * be placed is reported on line 1 with code `import.fileFailed`, never dropped.
 */
import type { Diagnostic } from '../diagnostics';
import { lineRange } from '../diagnostics';

export interface UploadedFile {
  gcsUri: string;
  /** The local path shown to the user. */
  path: string;
  /** The local file's lines (used for the line range and for matching quoted rows). */
  lines: string[];
}

export interface PartialFailure {
  code?: number;
  message: string;
}

export interface MappedFailure {
  path: string;
  diagnostic: Diagnostic;
}

/** Vertex caps `partial_failures` at 20 entries. */
export const MAX_REPORTED_PARTIAL_FAILURES = 20;

const LINE_RE = /\b(?:line|row)(?:\s+number)?[\s:#]*(\d+)/i;

export function mapPartialFailures(failures: readonly PartialFailure[], files: readonly UploadedFile[]): MappedFailure[] {
  const out: MappedFailure[] = [];
  for (const f of failures) {
    const message = f.message.trim();
    const file = files.find((x) => message.includes(x.gcsUri)) ?? (files.length === 1 ? files[0] : undefined);
    if (!file) continue;
    let line: number | undefined;
    const m = LINE_RE.exec(message.split(file.gcsUri).join(' '));
    if (m) {
      const n = Number(m[1]);
      if (n >= 1 && n <= Math.max(1, file.lines.length)) line = n;
    }
    if (line === undefined) {
      const idx = file.lines.findIndex((l) => l.trim().length > 2 && message.includes(l.trim()));
      if (idx >= 0) line = idx + 1;
    }
    const reason = message.replace(/^Error (?:at|in) line \d+ of \S+:\s*/i, '');
    if (line !== undefined) {
      out.push({ path: file.path, diagnostic: { ...lineRange(line, file.lines[line - 1] ?? ''), severity: 'error', code: 'import.rowFailed', message: `Vertex AI rejected this row: ${reason}`, data: { gcsUri: file.gcsUri, statusCode: f.code } } });
    } else {
      out.push({ path: file.path, diagnostic: { ...lineRange(1, file.lines[0] ?? ''), severity: 'error', code: 'import.fileFailed', message: `Vertex AI reported a failure for ${file.gcsUri} without naming a row: ${message}`, data: { gcsUri: file.gcsUri, statusCode: f.code } } });
    }
  }
  return out;
}

/** The CLI's `path:line:col: severity code: message` form (columns 1-based). */
export function formatDiagnosticLine(path: string, d: Diagnostic): string {
  return `${path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
}
