/**
 * Value rules shared by the JSONL and CSV validators: Cloud Storage URIs, ml_use values, label
 * keys and values, numbers given as strings, durations, media types. Each check returns a
 * problem (code, message, optional replacement) or undefined; callers attach the range.
 */
import type { DataType, MlUse } from '../formats';
import type { Severity } from '../diagnostics';

export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  /** Replacement for the checked value (already JSON-encoded where the caller writes JSON). */
  replacement?: string;
  data?: Record<string, unknown>;
}

const BUCKET_CHARS = /^[a-z0-9._-]+$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const GOOGLE_LIKE = /g[o0][o0]g(l|1)e/;

/** Problems with a bucket name, per Cloud Storage bucket naming rules. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length === 0) return 'the bucket name is empty';
  if (!BUCKET_CHARS.test(bucket)) {
    return `bucket name "${bucket}" may contain only lowercase letters, digits, dashes, underscores and dots`;
  }
  if (!/^[a-z0-9]/.test(bucket) || !/[a-z0-9]$/.test(bucket)) {
    return `bucket name "${bucket}" must start and end with a letter or digit`;
  }
  const max = bucket.includes('.') ? 222 : 63;
  if (bucket.length < 3 || bucket.length > max) {
    return `bucket name "${bucket}" must be 3-${max} characters long`;
  }
  if (bucket.includes('.') && bucket.split('.').some((c) => c.length === 0 || c.length > 63)) {
    return `each dot-separated part of bucket name "${bucket}" must be 1-63 characters`;
  }
  if (IPV4.test(bucket)) return `bucket name "${bucket}" cannot be an IP address`;
  if (bucket.startsWith('goog') || GOOGLE_LIKE.test(bucket)) {
    return `bucket name "${bucket}" cannot start with "goog" or contain "google"`;
  }
  return undefined;
}

export interface GcsUri {
  bucket: string;
  object: string;
}

export function parseGcsUri(uri: string): GcsUri | undefined {
  if (!uri.startsWith('gs://')) return undefined;
  const rest = uri.slice(5);
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: rest, object: '' };
  return { bucket: rest.slice(0, slash), object: rest.slice(slash + 1) };
}

const HTTP_GCS = /^https?:\/\/(?:storage\.googleapis\.com|storage\.cloud\.google\.com)\/([^/?#]+)\/([^?#]+)/;

const bucketCache = new Map<string, string | null>();
const CACHE_LIMIT = 50_000;
const OBJECT_SPECIAL = /[\r\n*?[\]]/;

/** The `gs://bucket/` prefix last found valid: consecutive lines nearly always share a bucket. */
let lastGoodBucketPrefix = '';
/**
 * For that prefix: the prefix, then an object name of 3+ characters without line breaks or
 * wildcards. One regex test is cheaper than startsWith plus a character scan.
 */
let lastGoodUriRe = /(?!)/;
const uriReCache = new Map<string, RegExp>();
/**
 * Regex source for an object name (after `gs://bucket/`, up to the end of the text) without line
 * breaks, wildcards, or a segment that is empty or starts with a dot (so no "//", "./" or "../",
 * and not "." or ".."; a name like "dir/.hidden.jpg" is left to the full check). It also matches
 * a name ending in "/": callers rule that out. Each segment is read once, without backtracking,
 * so it costs about what a plain character-class loop does.
 */
const PLAIN_SEGMENT = '[^\\r\\n*?[\\]/.][^\\r\\n*?[\\]/]*';
export const PLAIN_OBJECT = `(?:${PLAIN_SEGMENT}(?:/|$))+`;
/** A path (from the slash after the bucket) with no segment that is empty or starts with a dot. */
const PLAIN_SEGMENTS = /^(?!.*\/[/.])/s;

function rememberGoodBucket(prefix: string): void {
  lastGoodBucketPrefix = prefix;
  let re = uriReCache.get(prefix);
  if (!re) {
    re = new RegExp('^' + prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + PLAIN_OBJECT + '$');
    if (uriReCache.size < 1024) uriReCache.set(prefix, re);
  }
  lastGoodUriRe = re;
}

function cachedBucketProblem(bucket: string): string | undefined {
  let p = bucketCache.get(bucket);
  if (p === undefined) {
    p = bucketNameProblem(bucket) ?? null;
    if (bucketCache.size < CACHE_LIMIT) bucketCache.set(bucket, p);
  }
  return p ?? undefined;
}

/** Problems with a `gs://bucket/object` URI. `what` names the field ("image URI"). */
export function gcsUriProblem(uri: string, what = 'URI'): Problem | undefined {
  // Hot path: the bucket of the last valid URI and a plain object name (not ".", "..", or ending in "/").
  if (lastGoodUriRe.test(uri) && uri.charCodeAt(uri.length - 1) !== 47 && (uri.length - lastGoodBucketPrefix.length) * 3 <= 1024) return undefined;
  if (uri.startsWith('gs://')) {
    // The bucket verdict from a cache, one regex over the URI.
    const slash = uri.indexOf('/', 5);
    let bucketProblem: string | undefined;
    if (slash !== lastGoodBucketPrefix.length - 1 || !uri.startsWith(lastGoodBucketPrefix)) {
      bucketProblem = cachedBucketProblem(slash < 0 ? uri.slice(5) : uri.slice(5, slash));
      if (!bucketProblem && slash > 0) rememberGoodBucket(uri.slice(0, slash + 1));
    }
    const objectLength = slash < 0 ? 0 : uri.length - slash - 1;
    if (!bucketProblem && objectLength > 0 && uri.charCodeAt(uri.length - 1) !== 47 && !OBJECT_SPECIAL.test(uri) && objectLength * 3 <= 1024 && (objectLength > 2 || (uri.slice(slash + 1) !== '.' && uri.slice(slash + 1) !== '..')) && PLAIN_SEGMENTS.test(uri.slice(slash))) {
      return undefined;
    }
    return gcsUriDetail(uri, what);
  }
  return nonGcsProblem(uri, what);
}

/**
 * An object name with an empty, "." or ".." segment. Cloud Storage does not resolve paths, so
 * `gs://b//x.jpg` names the object "/x.jpg" and `gs://b/a/../x.jpg` the object "a/../x.jpg":
 * nearly always a path joined by hand. The replacement is the path resolved, when it stays inside
 * the bucket and names an object.
 */
function segmentProblem(uri: string, parsed: GcsUri, What: string): Problem | undefined {
  const segments = parsed.object.split('/');
  const kinds = new Set<string>();
  const kept: string[] = [];
  let escapes = false;
  for (const s of segments) {
    if (s === '') kinds.add('an empty segment ("//")');
    else if (s === '.') kinds.add('a "." segment');
    else if (s === '..') {
      kinds.add('a ".." segment');
      if (kept.length === 0) escapes = true;
      else kept.pop();
    } else kept.push(s);
  }
  if (kinds.size === 0) return undefined;
  const replacement = !escapes && kept.length > 0 ? `gs://${parsed.bucket}/${kept.join('/')}` : undefined;
  const list = [...kinds];
  const named = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  const problem: Problem = {
    code: 'value.gcsPath',
    severity: 'warning',
    message:
      `${What} "${truncate(uri)}" has ${named} in its path. Cloud Storage does not resolve paths: this names the object ` +
      `"${truncate(parsed.object, 60)}" literally, which is usually a path-join mistake. ` +
      (replacement ? `Use "${truncate(replacement)}" if that is the file meant.` : 'Write the object\'s exact name.'),
  };
  if (replacement) problem.replacement = replacement;
  return problem;
}

/** The same verdict as gcsUriProblem without its caches and hot paths (tests compare the two). */
export function gcsUriProblemExact(uri: string, what = 'URI'): Problem | undefined {
  return uri.startsWith('gs://') ? gcsUriDetail(uri, what) : nonGcsProblem(uri, what);
}

function gcsUriDetail(uri: string, what: string): Problem | undefined {
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  const parsed = parseGcsUri(uri) as GcsUri;
  const bucketProblem = bucketNameProblem(parsed.bucket);
  if (bucketProblem) return { code: 'value.gcsUri', severity: 'error', message: `Invalid ${what}: ${bucketProblem}.` };
  if (parsed.object.length === 0 || parsed.object.endsWith('/')) {
    return {
      code: 'value.gcsUri',
      severity: 'error',
      message: `Invalid ${what} "${uri}": it names no object. Expected gs://bucket/path/to/file.`,
    };
  }
  if (/[\r\n]/.test(parsed.object)) {
    return { code: 'value.gcsUri', severity: 'error', message: `Invalid ${what}: object names cannot contain line breaks.` };
  }
  if (Buffer.byteLength(parsed.object, 'utf8') > 1024) {
    return { code: 'value.gcsUri', severity: 'error', message: `Invalid ${what}: object names are at most 1,024 bytes.` };
  }
  if (parsed.object === '.' || parsed.object === '..') {
    return { code: 'value.gcsUri', severity: 'error', message: `Invalid ${what}: "." and ".." are not object names.` };
  }
  if (/[*?[\]]/.test(parsed.object)) {
    return {
      code: 'value.gcsUri',
      severity: 'warning',
      message: `${What} "${uri}" contains a wildcard character (*, ?, [ or ]); import files must name each object exactly.`,
    };
  }
  return segmentProblem(uri, parsed, What);
}

function nonGcsProblem(uri: string, what: string): Problem {
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  const http = HTTP_GCS.exec(uri);
  if (http) {
    const replacement = `gs://${http[1]}/${decodeURIComponentSafe(http[2])}`;
    return {
      code: 'value.gcsUri',
      severity: 'error',
      message: `${What} must be a gs:// URI, not an HTTP URL. Use "${replacement}".`,
      replacement,
    };
  }
  if (/^gs:\/?[^/]/i.test(uri) || /^GS:\/\//i.test(uri)) {
    const fixed = uri.replace(/^gs:\/*/i, 'gs://');
    return { code: 'value.gcsUri', severity: 'error', message: `${What} must start with "gs://" (lowercase, two slashes). Use "${fixed}".`, replacement: fixed };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    return { code: 'value.gcsUri', severity: 'error', message: `${What} "${truncate(uri)}" must be a Cloud Storage URI (gs://bucket/object); other schemes are not imported.` };
  }
  return {
    code: 'value.gcsUri',
    severity: 'error',
    message: `${What} "${truncate(uri)}" is not a gs:// URI. Vertex AI imports media from Cloud Storage only: upload the file and use gs://bucket/path (the import command can upload local files).`,
    data: { localPath: uri },
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function truncate(s: string, max = 80): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

const MEDIA_EXTENSIONS: Record<'image' | 'video' | 'text', { exts: string[]; names: string }> = {
  image: { exts: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'ico'], names: 'JPEG, PNG, GIF, WEBP, BMP, TIFF or ICO' },
  video: { exts: ['mp4', 'mov', 'avi', 'mpeg4'], names: 'MP4, MOV, AVI or MPEG4' },
  text: { exts: ['txt'], names: '.txt' },
};

/** Warns when a media URI's extension does not belong to the dataset's data type. */
const mediaCache = new Map<string, Problem | null>();
/** The last accepted extension per data type (".jpg"): most files use one extension throughout. */
const lastGoodSuffix: Record<string, string> = {};

export function mediaTypeProblem(uri: string, dataType: DataType): Problem | undefined {
  if (dataType !== 'image' && dataType !== 'video' && dataType !== 'text') return undefined;
  const suffix = lastGoodSuffix[dataType];
  if (suffix !== undefined && uri.endsWith(suffix)) return undefined;
  const p = mediaTypeProblemCached(uri, dataType);
  if (!p) {
    const dot = uri.lastIndexOf('.');
    if (dot > uri.lastIndexOf('/') + 1) lastGoodSuffix[dataType] = uri.slice(dot);
  }
  return p;
}

function mediaTypeProblemCached(uri: string, dataType: 'image' | 'video' | 'text'): Problem | undefined {
  const dot = uri.lastIndexOf('.');
  if (dot <= uri.lastIndexOf('/') + 1) return undefined;
  const rawExt = uri.slice(dot + 1);
  const cacheKey = dataType + rawExt;
  let p = mediaCache.get(cacheKey);
  if (p === undefined) {
    const ext = rawExt.toLowerCase();
    const allowed = MEDIA_EXTENSIONS[dataType];
    p = allowed.exts.includes(ext)
      ? null
      : { code: 'value.mediaType', severity: 'warning', message: `".${ext}" is not a supported ${dataType} type for this dataset; expected ${allowed.names}.` };
    if (mediaCache.size < CACHE_LIMIT) mediaCache.set(cacheKey, p);
  }
  return p ?? undefined;
}

export const ML_USE_VALUES: readonly MlUse[] = ['training', 'validation', 'test'];

const ML_USE_ALIASES: Record<string, MlUse> = {
  train: 'training',
  training: 'training',
  trainning: 'training',
  trainig: 'training',
  validate: 'validation',
  validation: 'validation',
  valid: 'validation',
  val: 'validation',
  dev: 'validation',
  eval: 'validation',
  test: 'test',
  testing: 'test',
  tests: 'test',
};

export interface MlUseCheck {
  value?: MlUse;
  problem?: Problem;
}

/**
 * Checks an ml_use value. `allowed` is the format's list (video: training and test only).
 * `csv`: CSV first columns also accept upper-case TRAINING/VALIDATION/TEST (ruling 5).
 */
const mlUseCache = new Map<string, MlUseCheck>();

const CANONICAL: Record<string, MlUseCheck> = { training: { value: 'training' }, validation: { value: 'validation' }, test: { value: 'test' } };

export function checkMlUse(raw: string, allowed: readonly MlUse[], csv = false): MlUseCheck {
  // Compared one by one: a keyed lookup would hash the fresh string of every line.
  if (raw === 'training') return CANONICAL.training;
  if (raw === 'test') return CANONICAL.test;
  if (raw === 'validation' && allowed.length === 3) return CANONICAL.validation;
  const key = `${allowed.length}${csv ? 'c' : 'j'}${raw}`;
  let r = mlUseCache.get(key);
  if (!r) {
    r = checkMlUseUncached(raw, allowed, csv);
    if (mlUseCache.size < CACHE_LIMIT) mlUseCache.set(key, r);
  }
  return r;
}

function checkMlUseUncached(raw: string, allowed: readonly MlUse[], csv: boolean): MlUseCheck {
  const lower = raw.trim().toLowerCase();
  const exact = (ML_USE_VALUES as readonly string[]).includes(raw) || (csv && (ML_USE_VALUES as readonly string[]).includes(lower) && raw === raw.toUpperCase());
  const list = allowed.map((v) => `"${v}"`).join(', ');
  if (exact) {
    const value = lower as MlUse;
    if (!allowed.includes(value)) {
      return {
        value: undefined,
        problem: {
          code: 'mlUse.videoValidation',
          severity: 'error',
          message: `Video datasets have no validation split: ml_use must be ${allowed.map((v) => `"${v}"`).join(' or ')}. Remove the value to let Vertex assign the item, or use "training".`,
          replacement: 'training',
        },
      };
    }
    return { value };
  }
  if (lower === 'unassigned') {
    return {
      problem: {
        code: 'mlUse.unassigned',
        severity: 'error',
        message: `"${raw}" is a legacy AutoML value. To let Vertex assign the split, remove the ml_use label; otherwise use ${list}.`,
      },
    };
  }
  const suggestion = ML_USE_ALIASES[lower];
  const usable = suggestion && allowed.includes(suggestion) ? suggestion : undefined;
  return {
    problem: {
      code: 'mlUse.invalid',
      severity: 'error',
      message: `ml_use "${truncate(raw, 40)}" is not valid: expected ${list}${usable ? `. Did you mean "${usable}"?` : '.'}`,
      replacement: usable,
    },
  };
}

const LABEL_CHARS = /^[\p{Ll}\p{Lo}\p{Lm}\p{N}_-]*$/u;

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

export function codePointLength(s: string): number {
  // Most texts have no surrogates: one native scan (none at all in a one-byte string) instead of a loop per character.
  if (!HIGH_SURROGATE.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** User resource label keys and values: ≤64 code points, lowercase letters, digits, `_`, `-`. */
const labelCache = new Map<string, Problem | null>();

export function userLabelProblem(text: string, part: 'key' | 'value'): Problem | undefined {
  const key = part === 'key' ? 'k' + text : 'v' + text;
  let p = labelCache.get(key);
  if (p === undefined) {
    p = userLabelProblemUncached(text, part) ?? null;
    if (labelCache.size < CACHE_LIMIT) labelCache.set(key, p);
  }
  return p ?? undefined;
}

function userLabelProblemUncached(text: string, part: 'key' | 'value'): Problem | undefined {
  if (part === 'key' && text.length === 0) {
    return { code: 'labels.key', severity: 'error', message: 'Resource label keys cannot be empty.' };
  }
  if (codePointLength(text) > 64) {
    return { code: `labels.${part}`, severity: 'error', message: `Resource label ${part}s are at most 64 characters; this one has ${codePointLength(text)}.` };
  }
  if (!LABEL_CHARS.test(text)) {
    const lowered = text.toLowerCase().replace(/[^\p{Ll}\p{Lo}\p{Lm}\p{N}_-]/gu, '_');
    return {
      code: `labels.${part}`,
      severity: 'error',
      message: `Resource label ${part} "${truncate(text, 40)}" may contain only lowercase letters, digits, "_" and "-". Use "${truncate(lowered, 40)}".`,
      replacement: lowered,
    };
  }
  return undefined;
}

/**
 * CSV label columns: start with a letter; letters, digits and underscores only (DOC-IMG-CLS,
 * confirmed: an error). The docs do not say whether letters and digits beyond ASCII count, so a
 * label that breaks the rule only by using them (`café`, `東京`) is a warning (ruling 1).
 */
export function csvLabelProblem(label: string): Problem | undefined {
  if (/^[A-Za-z][A-Za-z0-9_]*$/.test(label)) return undefined;
  // Accents dropped rather than replaced: "café" → "cafe", not "caf_".
  const ascii = /[^\x00-\x7f]/.test(label) ? label.normalize('NFKD').replace(/\p{M}+/gu, '') : label;
  const cleaned = ascii.trim().replace(/[^A-Za-z0-9_]+/g, '_');
  const lead = /^[^A-Za-z]*/.exec(cleaned)![0];
  // Leading digits carry the label's meaning ("1st", "2_stars"): dropping them would merge distinct
  // labels ("1_star" and "2_star" both "star"), so there is no suggestion then.
  const fixed = /\d/.test(lead) ? '' : cleaned.slice(lead.length);
  if (/^\p{L}[\p{L}\p{M}\p{Nd}_]*$/u.test(label)) {
    return {
      code: 'label.csvName',
      severity: 'warning',
      message: `CSV label "${truncate(label, 40)}" uses letters or digits beyond ASCII. Vertex AI documents CSV labels as letters, digits and underscores without saying whether these count${fixed ? `; "${truncate(fixed, 40)}" is safe` : ''}.`,
      replacement: fixed || undefined,
    };
  }
  return {
    code: 'label.csvName',
    severity: 'error',
    message: `CSV label "${truncate(label, 40)}" must start with a letter and contain only letters, digits and underscores${fixed ? `. Use "${fixed}".` : '.'}`,
    replacement: fixed || undefined,
  };
}

/** A JSON number, or a string holding a decimal number (ruling 2). */
export function numberish(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return undefined;
}

export const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

const DURATION = /^(\d+)(?:\.(\d+))?s$/;

/** Parses a protobuf Duration string such as "1.5s" (or "Infinity") into seconds. */
export function parseDuration(v: string): number | undefined {
  if (v === 'Infinity') return Infinity;
  const m = DURATION.exec(v);
  if (!m) return undefined;
  return Number(m[2] ? `${m[1]}.${m[2]}` : m[1]);
}

export function durationProblem(v: unknown, what: string, allowInfinity: boolean): Problem | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) {
    return {
      code: 'time.format',
      severity: 'error',
      message: `${what} must be a string of seconds with an "s" suffix, like "${v}s".`,
      replacement: JSON.stringify(`${v}s`),
    };
  }
  if (typeof v !== 'string') {
    return { code: 'time.format', severity: 'error', message: `${what} must be a string like "1.5s"${allowInfinity ? ' or "Infinity"' : ''}.` };
  }
  if (v === 'Infinity') {
    return allowInfinity ? undefined : { code: 'time.format', severity: 'error', message: `${what} cannot be "Infinity"; give a time like "4.0s".` };
  }
  const m = DURATION.exec(v);
  if (!m) {
    const n = numberish(v);
    const fix = n !== undefined && n >= 0 ? `${String(v).trim()}s` : undefined;
    return {
      code: 'time.format',
      severity: 'error',
      message: `${what} "${truncate(v, 30)}" is not a duration: expected seconds with an "s" suffix, like "1.5s"${allowInfinity ? ' or "Infinity"' : ''}${fix ? `. Did you mean "${fix}"?` : '.'}`,
      replacement: fix ? JSON.stringify(fix) : undefined,
    };
  }
  if (m[2] && m[2].length > 6) {
    return { code: 'time.precision', severity: 'warning', message: `${what} "${v}" has more than microsecond precision; Vertex keeps 6 decimal places.` };
  }
  return undefined;
}

/** Levenshtein distance, bounded: returns max+1 as soon as the distance exceeds max. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

export function camelCase(key: string): string {
  return key.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The closest of `candidates` to `key` (case, snake_case and typos), or undefined. */
export function suggestKey(key: string, candidates: readonly string[]): string | undefined {
  const camel = camelCase(key);
  for (const c of candidates) {
    if (c === camel || c.toLowerCase() === key.toLowerCase() || c.toLowerCase() === camel.toLowerCase()) return c;
  }
  let best: string | undefined;
  let bestD = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  for (const c of candidates) {
    const d = editDistance(camel.toLowerCase(), c.toLowerCase(), bestD);
    if (d <= bestD) {
      if (d < bestD || !best) best = c;
      bestD = d;
    }
  }
  return best;
}

/** bq://project.dataset.table, ≤2,000 characters. */
export function bigQueryUriProblem(uri: string): Problem | undefined {
  if (uri.length > 2000) return { code: 'value.bigQueryUri', severity: 'error', message: 'BigQuery URIs are at most 2,000 characters.' };
  const m = /^bq:\/\/([a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.([\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}$]{1,1024})$/u.exec(uri);
  if (!m) {
    return {
      code: 'value.bigQueryUri',
      severity: 'error',
      message: `"${truncate(uri)}" is not a BigQuery table URI: expected bq://project.dataset.table (project: 6-30 lowercase letters, digits, hyphens; dataset: letters, digits, underscores).`,
    };
  }
  return undefined;
}
