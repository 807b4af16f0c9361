import { parseTree } from 'jsonc-parser';
import type { Node } from 'jsonc-parser';
import { ML_USE_KEY } from '../formats';
import type { JsonlFormatId, MlUse } from '../formats';
import { annotationLabels } from '../items';
import type { ItemFacts } from '../items';
import { ItemChecker } from '../jsonl/rules';
import type { Finding } from '../jsonl/rules';
import type { Adapter, NonItem } from './adapter';
import { bomAt, note, parseTimestamp, readMlUse } from './adapter';
import type { OutputSink } from './sink';
import { CLI_HINTS } from './hints';
import type { SplitHints } from './hints';
import { INVALID_ML_USE } from './table';
import type { CollectorNeeds, RecordFacts } from './table';

const MEDIA_KEYS = ['imageGcsUri', 'videoGcsUri', 'textGcsUri', 'textContent'];
const LABELS = 'dataItemResourceLabels';

export type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Value at a dotted path. Keys may themselves contain dots (label keys such as
 * `aiplatform.googleapis.com/ml_use`), so the longest matching key wins at each level.
 */
export function getPath(obj: unknown, path: string): unknown {
  if (!isObject(obj)) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, path)) return obj[path];
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '.') continue;
    const head = path.slice(0, i);
    if (Object.prototype.hasOwnProperty.call(obj, head)) {
      const r = getPath(obj[head], path.slice(i + 1));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function displayNames(v: unknown, out: string[]): void {
  const list = Array.isArray(v) ? v : [v];
  for (const a of list) {
    if (isObject(a) && typeof a.displayName === 'string' && a.displayName.trim() !== '') out.push(a.displayName);
  }
}

/**
 * Labels of a JSONL item whatever its format (used when the format is not certain): every
 * annotation key of every format is read, with the same per-label view as ItemFacts.
 */
export function labelsOfObject(obj: JsonObject): string[] {
  const out: string[] = [];
  displayNames(obj.classificationAnnotation, out);
  displayNames(obj.classificationAnnotations, out);
  displayNames(obj.boundingBoxAnnotations, out);
  displayNames(obj.textSegmentAnnotations, out);
  displayNames(obj.timeSegmentAnnotations, out);
  displayNames(obj.temporalBoundingBoxAnnotations, out);
  const seg = obj.segmentationAnnotation;
  if (isObject(seg)) displayNames(seg.annotationSpecColors, out);
  const sent = obj.sentimentAnnotation;
  if (isObject(sent) && (typeof sent.sentiment === 'number' || typeof sent.sentiment === 'string')) out.push(String(sent.sentiment));
  return out;
}

/**
 * Labels from the validator's normalized item facts for a known format: the same reading of
 * annotations as validation and statistics (a sentiment value counts as a label).
 */
export function factsLabels(format: JsonlFormatId): (obj: JsonObject) => string[] {
  const checker = new ItemChecker(format);
  const findings: Finding[] = [];
  return (obj) => {
    findings.length = 0;
    const facts: ItemFacts = { line: 0, anchor: { line: 0, column: 1, endLine: 0, endColumn: 1 }, hasMlUse: false, annotations: [] };
    checker.check(obj, findings, facts);
    return facts.annotations.flatMap(annotationLabels);
  };
}

export interface JsonlOptions {
  splits: readonly MlUse[];
  needs: CollectorNeeds;
  /** Group key field (dotted path); default: the media URI. */
  byField?: string;
  timeField?: string;
  /** Labels from the lead's normalized facts when available; defaults to labelsOfObject. */
  labelsOf?: (obj: JsonObject) => string[];
  hints?: SplitHints;
}

export class JsonlAdapter implements Adapter {
  readonly csv = false;
  readonly notes: Adapter['notes'] = new Map();
  private record = 0;
  /** Items of pass 1 with a group key at `byField`. */
  keyed = 0;

  readonly hints: SplitHints;

  constructor(private readonly opts: JsonlOptions) {
    this.hints = opts.hints ?? CLI_HINTS;
  }

  reset(): void {
    this.record = 0;
    this.keyed = 0;
  }

  read(buf: Buffer, start: number, end: number): RecordFacts | NonItem {
    this.record++;
    const text = buf.toString('utf8', start + bomAt(buf, start, end), end);
    if (text.trim() === '') return 'blank';
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      note(this, `line is not valid JSON; it was left unchanged (${this.hints.seeWhy})`, this.record);
      return 'invalid';
    }
    if (!isObject(obj)) {
      note(this, 'line is not a JSON object; it was left unchanged', this.record);
      return 'invalid';
    }
    const facts: RecordFacts = {};
    for (const k of MEDIA_KEYS) {
      const v = obj[k];
      if (typeof v === 'string') {
        facts.itemKey = k + '\u0000' + v;
        break;
      }
    }
    const labels = obj[LABELS];
    if (isObject(labels)) {
      const v = Object.prototype.hasOwnProperty.call(labels, ML_USE_KEY) ? labels[ML_USE_KEY] : labels.ml_use;
      if (typeof v === 'string') facts.mlUse = readMlUse(v, this.opts.splits).index;
      else if (v !== undefined) facts.mlUse = INVALID_ML_USE;
      if (facts.mlUse === INVALID_ML_USE) {
        note(this, `ml_use value ${JSON.stringify(v)} is not valid for this format; the split replaced it`, this.record);
      }
    }
    if (this.opts.needs.labels) facts.labels = (this.opts.labelsOf ?? labelsOfObject)(obj);
    if (this.opts.needs.time && this.opts.timeField) facts.time = parseTimestamp(getPath(obj, this.opts.timeField));
    if (this.opts.needs.groups && this.opts.byField) {
      const g = getPath(obj, this.opts.byField);
      if (typeof g === 'string' || typeof g === 'number' || typeof g === 'boolean') {
        facts.groupKey = String(g);
        this.keyed++;
      } else note(this, `no value at '${this.opts.byField}' (the group key): the item is placed as if ${this.hints.noGroupKey}`, this.record);
    }
    return facts;
  }

  write(buf: Buffer, start: number, contentEnd: number, end: number, value: string | null, sink: OutputSink): void {
    this.record++;
    if (value === null) {
      sink.put(buf, start, end);
      return;
    }
    // Latin-1 maps each byte to one char, so edit offsets are byte offsets and every byte outside
    // the edits (including any that are not valid UTF-8) is copied exactly. JSON structure and the
    // keys looked for are ASCII, which Latin-1 and UTF-8 spell the same.
    const bom = bomAt(buf, start, contentEnd);
    const text = buf.toString('latin1', start + bom, contentEnd);
    const edits = mlUseEdits(text, value);
    if (!edits) {
      note(this, 'line could not be located for rewriting; it was left unchanged', this.record);
      sink.put(buf, start, end);
      return;
    }
    const at = start + bom;
    let pos = start;
    for (const e of edits) {
      sink.put(buf, pos, at + e.from);
      sink.putAscii(e.insert);
      pos = at + e.to;
    }
    sink.put(buf, pos, end);
  }
}

export interface TextEdit {
  from: number;
  to: number;
  insert: string;
}

interface Style {
  colon: string;
  comma: string;
}

/** The separators a JSON object uses (`":"` or `": "`, `","` or `", "`), else `fallback`'s. */
function style(text: string, obj: Node, fallback: Style = { colon: ':', comma: ',' }): Style {
  const props = obj.children ?? [];
  let colon = fallback.colon;
  let comma = fallback.comma;
  const p0 = props[0];
  if (p0 && p0.colonOffset !== undefined) {
    const key = p0.children?.[0];
    const val = p0.children?.[1];
    if (key && val) colon = text.slice(key.offset + key.length, val.offset);
  }
  if (props.length > 1) {
    const between = text.slice(props[0].offset + props[0].length, props[1].offset);
    if (/^\s*,[ \t]*$/.test(between)) comma = between;
  }
  if (!/^\s*:\s*$/.test(colon) || colon.includes('\n')) colon = fallback.colon;
  return { colon, comma };
}

/**
 * The edits (ascending, non-overlapping, in UTF-16 offsets of `text`) that set the item's
 * `aiplatform.googleapis.com/ml_use` label to `value` and touch nothing else: the value is
 * replaced where the label exists; an unprefixed `ml_use` key is renamed (or removed when the
 * prefixed one exists too); the label, or the whole `dataItemResourceLabels` object, is inserted
 * after the last member otherwise, in the line's own spacing. Null when the line is not a JSON object.
 */
export function mlUseEdits(text: string, value: string): TextEdit[] | null {
  const fast = compactInsert(text, value);
  if (fast) return fast;
  const errors: { error: number; offset: number; length: number }[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!root || root.type !== 'object' || errors.length > 0) return null;
  const quoted = JSON.stringify(value);
  const rootStyle = style(text, root);
  const props = root.children ?? [];
  const labelProps = props.filter((p) => p.children?.[0]?.value === LABELS);
  const labelsProp = labelProps[labelProps.length - 1];
  const member = (s: { colon: string }): string => `${JSON.stringify(ML_USE_KEY)}${s.colon}${quoted}`;
  if (!labelsProp) {
    const insert = `${JSON.stringify(LABELS)}${rootStyle.colon}{${member(rootStyle)}}`;
    if (props.length === 0) return [{ from: root.offset + 1, to: root.offset + 1, insert }];
    const last = props[props.length - 1];
    const at = last.offset + last.length;
    return [{ from: at, to: at, insert: rootStyle.comma + insert }];
  }
  const obj = labelsProp.children?.[1];
  if (!obj) return null;
  if (obj.type !== 'object') {
    return [{ from: obj.offset, to: obj.offset + obj.length, insert: `{${member(rootStyle)}}` }];
  }
  const members = obj.children ?? [];
  const s = style(text, obj, rootStyle);
  const prefixed = members.filter((m) => m.children?.[0]?.value === ML_USE_KEY);
  const bare = members.filter((m) => m.children?.[0]?.value === 'ml_use');
  const edits: TextEdit[] = [];
  for (const m of prefixed) {
    const v = m.children?.[1];
    if (v) edits.push({ from: v.offset, to: v.offset + v.length, insert: quoted });
  }
  if (prefixed.length === 0 && bare.length > 0) {
    const m = bare[bare.length - 1];
    const k = m.children?.[0];
    const v = m.children?.[1];
    if (k && v) {
      edits.push({ from: k.offset, to: k.offset + k.length, insert: JSON.stringify(ML_USE_KEY) });
      edits.push({ from: v.offset, to: v.offset + v.length, insert: quoted });
    }
    edits.push(...removals(members, new Set(bare.slice(0, -1))));
  } else {
    edits.push(...removals(members, new Set(bare)));
  }
  if (prefixed.length === 0 && bare.length === 0) {
    if (members.length === 0) {
      edits.push({ from: obj.offset + 1, to: obj.offset + obj.length - 1, insert: member(s) });
    } else {
      const last = members[members.length - 1];
      const at = last.offset + last.length;
      edits.push({ from: at, to: at, insert: s.comma + member(s) });
    }
  }
  return edits.sort((a, b) => a.from - b.from);
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The common case without a JSON parser: a compact line (no whitespace outside strings, as
 * JSON.stringify writes it) that has no `dataItemResourceLabels` yet gets the object inserted
 * before its final brace, exactly where and how the general path would put it. The caller has
 * already parsed the line as a JSON object; a key can only be spelled differently through \u
 * escapes, so lines with any are left to the general path. Null when the shortcut does not apply.
 */
function compactInsert(text: string, value: string): TextEdit[] | null {
  if (text.includes(LABELS) || text.includes('\\u')) return null;
  let first = 0;
  while (first < text.length && isSpace(text.charCodeAt(first))) first++;
  let last = text.length - 1;
  while (last > first && isSpace(text.charCodeAt(last))) last--;
  if (text.charCodeAt(first) !== 123 || text.charCodeAt(last) !== 125 || last === first + 1 || text.charCodeAt(last - 1) === 44) return null;
  let inString = false;
  for (let i = first + 1; i < last; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (isSpace(c)) return null;
  }
  if (inString) return null;
  return [{ from: last, to: last, insert: `,${JSON.stringify(LABELS)}:{${JSON.stringify(ML_USE_KEY)}:${JSON.stringify(value)}}` }];
}

/**
 * Removes the given members with the commas that join them to their neighbours: each run of
 * consecutive removed members goes with the comma before it (or after it when the run starts the
 * object). Some member always stays, so the result is a valid object.
 */
function removals(members: Node[], remove: Set<Node>): TextEdit[] {
  const out: TextEdit[] = [];
  for (let i = 0; i < members.length; i++) {
    if (!remove.has(members[i])) continue;
    let j = i;
    while (j + 1 < members.length && remove.has(members[j + 1])) j++;
    if (i > 0) out.push({ from: members[i - 1].offset + members[i - 1].length, to: members[j].offset + members[j].length, insert: '' });
    else if (j + 1 < members.length) out.push({ from: members[0].offset, to: members[j + 1].offset, insert: '' });
    else out.push({ from: members[0].offset, to: members[j].offset + members[j].length, insert: '' });
    i = j;
  }
  return out;
}
