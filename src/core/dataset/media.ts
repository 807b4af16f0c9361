/**
 * The media sidecar: image sizes and video durations by media URI, which the import file cannot
 * carry but two checks need (boxes of at least 8×8 px, segments within the video).
 *
 * Two shapes are read, picked by the file name:
 *   JSON (`*.json`): `{"gs://b/a.jpg": {"width": 640, "height": 480}, "gs://b/v.mp4": {"duration": 12.5}}`
 *                    or an array of `{"uri", "width", "height", "duration"}` objects.
 *   CSV (anything else): a header naming `uri` and any of `width`, `height`, `duration`, then one row
 *                    per media file. Durations are seconds, optionally with an `s` suffix (`"12.5s"`).
 * By convention the sidecar of `data.jsonl` is `data.jsonl.media.json` or `data.jsonl.media.csv`.
 */
export interface MediaInfo {
  /** Pixels. */
  width?: number;
  height?: number;
  /** Seconds. */
  duration?: number;
}

export type MediaTable = Map<string, MediaInfo>;

export interface SidecarProblem {
  line: number;
  message: string;
}

export interface ParsedSidecar {
  media: MediaTable;
  problems: SidecarProblem[];
}

export const SIDECAR_SUFFIXES = ['.media.json', '.media.csv'] as const;

function positive(value: unknown, allowSeconds: boolean): number | undefined {
  let v = value;
  if (typeof v === 'string') {
    let s = v.trim();
    if (allowSeconds && s.endsWith('s')) s = s.slice(0, -1);
    if (s === '') return undefined;
    v = Number(s);
  }
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function toInfo(
  raw: Record<string, unknown>,
  line: number,
  problems: SidecarProblem[],
  uri: string,
): MediaInfo | undefined {
  const info: MediaInfo = {};
  const before = problems.length;
  for (const key of ['width', 'height', 'duration'] as const) {
    const value = raw[key];
    if (value === undefined || value === null || value === '') continue;
    const n = positive(value, key === 'duration');
    if (n === undefined) {
      problems.push({ line, message: `${key} of ${uri} is ${JSON.stringify(value)}; expected a positive number${key === 'duration' ? ' of seconds' : ' of pixels'}.` });
      continue;
    }
    info[key] = n;
  }
  if ((info.width === undefined) !== (info.height === undefined)) {
    if (problems.length === before) problems.push({ line, message: `${uri} has only one of width and height; give both (pixels) or neither.` });
    delete info.width;
    delete info.height;
  }
  return info.width === undefined && info.duration === undefined ? undefined : info;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string): ParsedSidecar {
  const media: MediaTable = new Map();
  const problems: SidecarProblem[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    problems.push({ line: 1, message: `The media sidecar is not valid JSON (${(e as Error).message}); expected an object of uri → {width, height, duration}.` });
    return { media, problems };
  }
  const add = (uri: unknown, raw: unknown) => {
    if (typeof uri !== 'string' || uri === '' || !isRecord(raw)) {
      problems.push({ line: 1, message: `Entry ${JSON.stringify(uri)} is not a uri with an object of width/height/duration; ignored.` });
      return;
    }
    const info = toInfo(raw, 1, problems, uri);
    if (info) media.set(uri, info);
  };
  if (Array.isArray(doc)) for (const entry of doc) add(isRecord(entry) ? entry.uri : undefined, entry);
  else if (isRecord(doc)) for (const [uri, raw] of Object.entries(doc)) add(uri, raw);
  else problems.push({ line: 1, message: 'The media sidecar must be a JSON object (uri → {width, height, duration}) or an array of {uri, width, height, duration}.' });
  return { media, problems };
}

/** Splits one CSV record (RFC 4180 quotes, no embedded newlines: sidecar rows are one line each). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else value += line[i++];
      }
      out.push(value);
      const comma = line.indexOf(',', i);
      if (comma < 0) return out;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      out.push((comma < 0 ? line.slice(i) : line.slice(i, comma)).trim());
      if (comma < 0) return out;
      i = comma + 1;
    }
  }
}

function parseCsv(text: string): ParsedSidecar {
  const media: MediaTable = new Map();
  const problems: SidecarProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const uriCol = header.indexOf('uri');
  if (uriCol < 0 || !header.some((h) => h === 'width' || h === 'duration')) {
    problems.push({ line: 1, message: 'The media sidecar CSV needs a header row naming `uri` and `width,height` and/or `duration`, e.g. `uri,width,height`.' });
    return { media, problems };
  }
  for (let n = 1; n < lines.length; n++) {
    if (lines[n].trim() === '') continue;
    const cells = splitCsvLine(lines[n]);
    const uri = cells[uriCol] ?? '';
    if (uri === '') {
      problems.push({ line: n + 1, message: 'Row has no uri; ignored.' });
      continue;
    }
    const raw: Record<string, unknown> = {};
    header.forEach((h, i) => (raw[h] = cells[i]));
    const info = toInfo(raw, n + 1, problems, uri);
    if (info) media.set(uri, info);
  }
  return { media, problems };
}

export function parseMediaSidecar(text: string, fileName: string): ParsedSidecar {
  return /\.json$/i.test(fileName) ? parseJson(text) : parseCsv(text);
}

/** Merges sidecars (later ones win per URI). */
export function mergeMedia(tables: Iterable<MediaTable>): MediaTable {
  const out: MediaTable = new Map();
  for (const t of tables) for (const [k, v] of t) out.set(k, { ...out.get(k), ...v });
  return out;
}
