/**
 * Local media referenced by an import file: which lines point at files on disk instead of
 * gs:// URIs, and the same text with those references rewritten to where the media were
 * uploaded. Only the URI token changes, so every row stays on its line (Vertex's per-row
 * failures still map back to the local file).
 */
import type { FormatId } from '../formats';
import { FORMATS } from '../formats';
import { gcsObjectUri } from './requests';

export interface MediaReference {
  /** 1-based line. */
  line: number;
  key: string;
  /** The value as written in the file (a relative or absolute local path, or file: URI). */
  value: string;
}

/** Values that name local files: not gs://, not http(s), not empty. */
export function isLocalMediaValue(value: string): boolean {
  return value !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value.replace(/^file:\/\//i, 'file:')) && !/^gs:/i.test(value);
}

export function findLocalMedia(text: string, format: FormatId): MediaReference[] {
  const keys = FORMATS[format].mediaKeys.filter((k) => k !== 'textContent');
  const out: MediaReference[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      return;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) return;
    for (const key of keys) {
      const v = (row as Record<string, unknown>)[key];
      if (typeof v === 'string' && isLocalMediaValue(v)) out.push({ line: i + 1, key, value: v });
    }
  });
  return out;
}

/**
 * Rewrites each reference's JSON string token on its line to `uris.get(value)`. References whose
 * token cannot be found verbatim (escaped differently) are returned in `skipped`, never guessed.
 */
export function rewriteMedia(text: string, refs: readonly MediaReference[], uris: ReadonlyMap<string, string>): { text: string; rewritten: number; skipped: MediaReference[] } {
  const lines = text.split('\n');
  let rewritten = 0;
  const skipped: MediaReference[] = [];
  for (const r of refs) {
    const target = uris.get(r.value);
    if (!target) {
      skipped.push(r);
      continue;
    }
    const line = lines[r.line - 1];
    const re = new RegExp(`(${escapeRe(JSON.stringify(r.key))}\\s*:\\s*)${escapeRe(JSON.stringify(r.value))}`);
    if (!re.test(line)) {
      skipped.push(r);
      continue;
    }
    lines[r.line - 1] = line.replace(re, (_m, prefix: string) => prefix + JSON.stringify(target));
    rewritten++;
  }
  return { text: lines.join('\n'), rewritten, skipped };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The object name a local media file gets under the upload prefix: its path relative to the import file, normalized. */
export function mediaObjectPath(value: string): string {
  return value
    .replace(/^file:\/\//i, '')
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p && p !== '.' && p !== '..')
    .join('/');
}

/** Where each referenced local file goes: `<destination>/media/<its relative path>`. */
export function planMediaUris(refs: readonly MediaReference[], destination: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of refs) if (!out.has(r.value)) out.set(r.value, gcsObjectUri(destination, `media/${mediaObjectPath(r.value)}`));
  return out;
}
