/**
 * The JSONL validator: one pass, every problem, exact ranges. Fast path per line: JSON.parse,
 * the compiled ajv validator and the Vertex rules on the parsed object; jsonc-parser positions
 * are computed only for lines with findings.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ValidateFunction } from 'ajv';
import { fileDiagnostic } from '../diagnostics';
import type { Diagnostic, Range, Severity } from '../diagnostics';
import { FORMATS, isJsonlFormatId, type FormatId, type JsonlFormatId } from '../formats';
import { binaryKindMessage, binaryKindOf } from '../binaryKind';
import { firstInvalidUtf8, invalidUtf8Message } from '../utf8';
import type { AnnotationFacts, BoxItemSink, ItemFacts, SingleItemSink } from '../items';
import { createAjv, formatProver, formatValidator, schemaNodeAt, FORMAT_SCHEMAS, type AjvError, type JsonSchema } from '../schemas';
import type { DiagnosticStore, Detection, UnlistedCounts, ValidationOptions, ValidationResult } from '../validate';
import { truncate } from '../rules/values';
import { CLI_VALIDATION_HINTS, type ValidationHints } from '../validationHints';
import { detectJsonlFormat } from './detect';
import { duplicateKeys, lineTree, quickSpan, spanAt, syntaxError } from './positions';
import { ItemChecker, type Finding, type JsonPath } from './rules';
import { LayoutCache } from './layout';
import { shortestLength, type ShapeProver } from './shape';
import { DeferredFacts, FileAnchorSource } from './lazyAnchors';

type Obj = Record<string, unknown>;

/** Lines longer than this are reported and skipped instead of being held in memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const SNIFF_LINES = 50;

export interface JsonlFileOptions extends ValidationOptions {
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  maxLineBytes?: number;
  /**
   * Threads for one large file (default 1): newline-aligned byte ranges are validated in worker
   * threads and merged so the result equals one thread's. Used only without `onItem` (dataset
   * facts are read in one pass, in file order).
   */
  jobs?: number;
  /**
   * Facts given to `onItem` compute their `anchor` only when it is read, and can find it again
   * from the file afterwards (`ItemFacts.deferred`); for consumers that keep only line numbers.
   */
  lazyAnchors?: boolean;
  /**
   * With `onItem` and `lazyAnchors`: the items of single-label classification formats go here
   * instead of `onItem`, without an ItemFacts object each (the same facts, see `SingleItemSink`).
   */
  singleItems?: SingleItemSink;
  /**
   * With `onItem` and `lazyAnchors`: the items of the bounding-box format go here instead of
   * `onItem`, without an ItemFacts object or an annotation object per box (see `BoxItemSink`).
   */
  boxItems?: BoxItemSink;
}

/**
 * Index of a carriage return not followed by a line feed, outside strings, before `limit` (where
 * the JSON went wrong), or -1. A CR inside a string is an escape problem of its own.
 */
function loneCarriageReturn(text: string, limit: number): number {
  const cr = text.indexOf('\r');
  if (cr < 0 || cr >= limit) return -1;
  let inString = false;
  for (let i = 0; i < limit && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) return i;
  }
  return -1;
}

export class UsageError extends Error {}

const NO_DUPLICATES: ReturnType<typeof duplicateKeys> = [];
/** Passed to every validator call so ajv's generated code does not allocate its default context per line. */
const AJV_CONTEXT = { instancePath: '' } as unknown as Parameters<ValidateFunction>[1];

/** Validates lines of one format; keeps no per-line state. */
export class JsonlLineValidator {
  private readonly checker: ItemChecker;
  private readonly validate: ValidateFunction;
  /** Whether the format's items carry at most one classification label (see validateLine's `lean`). */
  get singleLabel(): boolean {
    return this.checker.singleLabel;
  }

  /** Whether the format's items are images with bounding boxes (see validateLine's `lean`). */
  get boxes(): boolean {
    return this.checker.boxes;
  }

  /** The media URI `validateLine` would give as the item's `mediaUri` (see ItemChecker.mediaUriOf). */
  mediaUriOf(obj: Obj): string | undefined {
    return this.checker.mediaUriOf(obj);
  }

  /** Where `lean` validation of a bounding-box line gives its boxes (formats with `boxes`). */
  set boxSink(sink: BoxItemSink | undefined) {
    this.checker.boxSink = sink;
  }

  /** Proves a line valid without ajv and measures it for the duplicate-key proof (format schemas). */
  private readonly prove: ShapeProver | undefined;
  private readonly schema: JsonSchema;
  private readonly findings: Finding[] = [];
  private readonly layouts = new LayoutCache();
  /**
   * Lines JSON.parse refused. V8 keeps the text of a refused JSON.parse input (for its error
   * location) until a full collection, and with it the string the line is a view into.
   */
  parseFailures = 0;

  constructor(
    readonly format: JsonlFormatId | 'custom',
    customSchema?: object,
  ) {
    if (format === 'custom') {
      if (!customSchema) throw new UsageError('format "custom" needs a JSON Schema (--schema FILE)');
      this.schema = customSchema as JsonSchema;
      try {
        this.validate = createAjv(false).compile(customSchema);
      } catch (e) {
        throw new UsageError(`the JSON Schema is invalid: ${(e as Error).message}`);
      }
    } else {
      this.schema = FORMAT_SCHEMAS[format];
      this.validate = formatValidator(format);
      this.prove = formatProver(format);
    }
    this.checker = new ItemChecker(format, this.schema);
  }

  /**
   * Validates one line (without its line break). Returns false for blank lines (not an item).
   * Diagnostics go to `out`; facts to `onItem` when the line parsed as an object. With `lean`
   * (formats with `singleLabel` or `boxes` only), the facts are written into it instead (its `line`
   * set, its classification label in `label`, its boxes given to the box sink), for the caller to
   * hand on (see LineFeeder).
   */
  validateLine(text: string, line: number, out: Diagnostic[], onItem?: (item: ItemFacts) => void, anchors?: FileAnchorSource, lean?: LeanFacts): boolean {
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) return false;
    // Lines laid out like an earlier line are built without JSON.parse (same value: layout.ts).
    let value: unknown = this.layouts.parse(text);
    const fromLayout = value !== undefined;
    if (!fromLayout) {
      // JSON.parse's SyntaxError without a stack trace: only its message is used, and capturing
      // the stack is a third of what each broken line costs.
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        value = JSON.parse(text);
      } catch (e) {
        Error.stackTraceLimit = stackTraceLimit;
        this.parseFailures++;
        const { span, message } = syntaxError(text, (e as Error).message);
        // Editors show a CR alone as a line break; Vertex AI does not (the JSON around it is one line).
        const cr = loneCarriageReturn(text, span.start);
        if (cr >= 0) {
          out.push({
            line,
            column: cr + 1,
            endLine: line,
            endColumn: cr + 2,
            severity: 'error',
            code: 'jsonl.syntax',
            message:
              'Carriage return (CR) without a line feed: Vertex AI reads newline-delimited JSON, where only LF (or CRLF) ends a line, ' +
              `so the text on both sides of it is one line, which is not valid JSON (${message}). Convert the line endings to LF.`,
          });
          return true;
        }
        const pretty = /^\s*[{[]\s*$/.test(text) || /^\s*"[^"]*"\s*:/.test(text) || /^\s*[}\]],?\s*$/.test(text);
        out.push({
          line,
          column: span.start + 1,
          endLine: line,
          endColumn: span.end + 1,
          severity: 'error',
          code: 'jsonl.syntax',
          message: pretty
            ? `Line is not a complete JSON object (${message}). JSON Lines needs each object on one line; it looks like pretty-printed JSON spread over several lines.`
            : `Invalid JSON: ${message}. Each line must be one complete JSON object.`,
        });
        return true;
      }
      Error.stackTraceLimit = stackTraceLimit;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) this.layouts.learn(text);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.push({
        line,
        column: 1,
        endLine: line,
        endColumn: text.length + 1,
        severity: 'error',
        code: 'jsonl.notObject',
        message: `Each line must be a JSON object describing one data item; found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}.`,
      });
      return true;
    }
    const obj = value as Obj;
    const findings = this.findings;
    if (findings.length !== 0) findings.length = 0;
    // A prover's length means ajv would pass the line (test/core/jsonl/shape.test.ts).
    // A line built from a layout has no duplicate keys (layout.ts), so nothing needs measuring.
    const shortest = this.prove ? this.prove(obj, 0, fromLayout) : -1;
    if (shortest < 0 && !this.validate(obj, AJV_CONTEXT)) this.mapSchemaErrors(obj, this.validate.errors ?? [], findings);
    let facts: ItemFacts | undefined;
    if (lean !== undefined) facts = lean;
    else if (onItem && anchors) facts = new DeferredFacts(line, anchors);
    // Every field set up front: fields added later would move the object to a slower shape per line.
    else if (onItem) facts = { line, anchor: PENDING_ANCHOR, mediaUri: undefined, textLength: undefined, textContent: undefined, mlUse: undefined, hasMlUse: false, annotations: [], lineError: false };
    const label = this.checker.check(obj, findings, facts, lean !== undefined);
    const duplicates = !fromLayout && mayHaveDuplicateKeys(text, obj, shortest) ? duplicateKeys(text) : NO_DUPLICATES;
    if (findings.length > 0 || duplicates.length > 0) {
      let tree: ReturnType<typeof lineTree> | null = null;
      for (const f of findings) {
        let span = quickSpan(text, f.path, f.target);
        if (!span) span = spanAt(tree === null ? (tree = lineTree(text)) : tree, text, f.path, f.target);
        const severity: Severity = f.severity === 'error' && schemaNodeAt(this.schema, f.path)?.unverified ? 'warning' : f.severity;
        const d: Diagnostic = { line, column: span.start + 1, endLine: line, endColumn: span.end + 1, severity, code: f.code, message: f.message };
        if (severity === 'error' && facts !== undefined) facts.lineError = true;
        if (f.fixes || f.data) d.data = { path: f.path, ...(f.fixes ? { fixes: f.fixes } : {}), ...f.data };
        out.push(d);
      }
      for (const dup of duplicates) {
        out.push({
          line,
          column: dup.span.start + 1,
          endLine: line,
          endColumn: dup.span.end + 1,
          severity: 'warning',
          code: 'jsonl.duplicateKey',
          message: `Duplicate key "${truncate(dup.key, 40)}": parsers keep only one of the values (here the last). Remove one of them.`,
          data: { path: dup.path },
        });
      }
    }
    if (lean !== undefined) {
      lean.line = line;
      lean.label = label;
    } else if (facts && onItem) {
      if (!anchors) facts.anchor = lineAnchor(text, facts);
      onItem(facts);
    }
    return true;
  }


  private mapSchemaErrors(obj: Obj, errors: AjvError[], out: Finding[]): void {
    for (const e of errors) {
      const path = pointerToPath(e.instancePath, obj);
      switch (e.keyword) {
        case 'additionalProperties': {
          const key = (e.params as { additionalProperty: string }).additionalProperty;
          out.push(this.checker.unknownKey(path, key, valueAt(obj, [...path, key]), valueAt(obj, path)));
          break;
        }
        case 'required': {
          const key = (e.params as { missingProperty: string }).missingProperty;
          const described = schemaNodeAt(this.schema, [...path, key])?.node.description;
          out.push({
            path,
            target: 'object',
            code: 'schema.required',
            severity: 'error',
            message: `Missing required key "${key}"${path.length ? ` in ${describePath(path)}` : ''}${typeof described === 'string' ? `: ${firstSentence(described)}` : '.'}`,
            data: { missing: key },
          });
          break;
        }
        case 'type': {
          const expected = String((e.params as { type: string | string[] }).type).replace(',', ' or ');
          const actual = valueAt(obj, path);
          out.push({
            path,
            target: 'value',
            code: 'schema.type',
            severity: 'error',
            message: `${describePath(path)} must be ${article(expected)}, found ${typeName(actual)}.`,
          });
          break;
        }
        default:
          out.push({ path, target: 'value', code: 'schema.invalid', severity: 'error', message: `${describePath(path)} ${e.message ?? 'is invalid'}.` });
      }
    }
  }
}

/** Annotations of `LeanFacts` (never handed out). */
const NO_ANNOTATIONS: AnnotationFacts[] = [];

/**
 * A single-label or bounding-box item's facts as validateLine leaves them for LineFeeder, which
 * hands them to a `SingleItemSink` or `BoxItemSink` field by field (the object is not kept). `line`
 * stays 0 when the line held no item.
 */
interface LeanFacts extends ItemFacts {
  label: string | undefined;
}
/** Replaced before the facts leave validateLine (saves an allocation per line). */
const PENDING_ANCHOR: Range = Object.freeze({ line: 0, column: 0, endLine: 0, endColumn: 0 });

/** Dataset findings anchor on the media URI when the line has one (found without a tree), else on the whole line. */
function lineAnchor(text: string, facts: ItemFacts): Range {
  return anchorAt(text, facts.line, facts.mediaUri);
}

function anchorAt(text: string, line: number, uri: string | undefined): Range {
  if (uri !== undefined) {
    // Fast path: the URI as written, between quotes, needing no escapes.
    const raw = text.indexOf(uri);
    if (raw > 0 && text.charCodeAt(raw - 1) === 34 && text.charCodeAt(raw + uri.length) === 34) return { line, column: raw, endLine: line, endColumn: raw + uri.length + 2 };
    const quoted = JSON.stringify(uri);
    const at = text.indexOf(quoted);
    if (at >= 0) return { line, column: at + 1, endLine: line, endColumn: at + quoted.length + 1 };
  }
  return { line, column: 1, endLine: line, endColumn: text.length + 1 };
}

/**
 * Anchors found again by re-reading the file: `lineAnchor` of the facts validateLine would give the
 * line (an item when the line is a JSON object; its media URI as the checker takes it). The line is
 * not validated again: a facts object of another shape through the line checks would have the
 * engine drop their compiled code at the end of every run.
 */
function anchorSource(path: string, offset: number, validator: JsonlLineValidator, maxLineBytes: number): FileAnchorSource {
  return new FileAnchorSource(path, offset, {
    anchorOf(text, line) {
      if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0)) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return undefined;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      return anchorAt(text, line, validator.mediaUriOf(value as Obj));
    },
  }, maxLineBytes);
}

/**
 * Cheap, sound pre-check for duplicate keys (false means the line has none). JSON.parse keeps one
 * member per key, and the text writes each kept member in at least as many characters as its
 * shortest serialization; every dropped duplicate adds at least five more (`,"":0`). So a line
 * shorter than the kept object's shortest serialization + 5 dropped nothing. Lines with
 * whitespace, escapes or numbers whose shortest form we cannot bound fall back to a count: every
 * key in the text is a string followed by `":` (or `"` + spaces + `:`), so the count of those is
 * at least the number of keys written, and equals the kept count only when nothing was dropped.
 */
function mayHaveDuplicateKeys(text: string, obj: Obj, measured: number): boolean {
  const shortest = measured >= 0 ? measured : shortestLength(obj, 0);
  if (shortest >= 0 && text.length - shortest < 5) return false;
  let written = 0;
  let i = text.indexOf('":');
  while (i >= 0) {
    written++;
    i = text.indexOf('":', i + 2);
  }
  // Keys written with spaces before the colon count too, or a duplicate could hide behind one.
  written += text.match(/"\s+:/g)?.length ?? 0;
  return written !== countKeys(obj);
}

function countKeys(root: Obj): number {
  return countKeysShallow(root, 0);
}

/** Recursive count for ordinary depths; the explicit stack below handles pathological nesting. */
function countKeysShallow(v: Obj | unknown[], depth: number): number {
  if (depth > 64) return countKeysDeep(v as Obj);
  let n = 0;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'object' && x !== null) n += countKeysShallow(x as Obj, depth + 1);
    }
    return n;
  }
  for (const k in v) {
    n++;
    const x = (v as Obj)[k];
    if (typeof x === 'object' && x !== null) n += countKeysShallow(x as Obj, depth + 1);
  }
  return n;
}

function countKeysDeep(root: Obj): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
    } else {
      for (const k in v) {
        n++;
        const x = (v as Obj)[k];
        if (typeof x === 'object' && x !== null) stack.push(x);
      }
    }
  }
  return n;
}

/** Unescaped parts of the JSON pointers ajv reports (the same few pointers come back line after line). */
const pointerParts = new Map<string, string[]>();

function pointerToPath(pointer: string, obj: Obj): JsonPath {
  if (!pointer) return [];
  const path: JsonPath = [];
  let cur: unknown = obj;
  let parts = pointerParts.get(pointer);
  if (!parts) {
    parts = pointer.slice(1).split('/').map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (pointerParts.size < 4096) pointerParts.set(pointer, parts);
  }
  for (const part of parts) {
    if (Array.isArray(cur)) {
      const i = Number(part);
      path.push(i);
      cur = cur[i];
    } else {
      path.push(part);
      cur = cur && typeof cur === 'object' ? (cur as Obj)[part] : undefined;
    }
  }
  return path;
}

function valueAt(obj: Obj, path: JsonPath): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

export function describePath(path: JsonPath): string {
  if (path.length === 0) return 'the item';
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return `"${s}"`;
}

function firstSentence(s: string): string {
  const m = /^.*?[.!?](\s|$)/.exec(s);
  return (m ? m[0] : s).trim();
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(truncate(v, 30))}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Collects diagnostics with an optional cap; the cap adds one final info diagnostic. With a
 * store, diagnostics pass straight through to it and `list` stays empty.
 */
class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  dropped = 0;
  /** Of `dropped`: errors and warnings (the rest are infos). */
  droppedErrors = 0;
  droppedWarnings = 0;
  kept = 0;
  errors = 0;
  constructor(
    private readonly max: number,
    private readonly store?: DiagnosticStore,
  ) {}
  push(d: Diagnostic): void {
    if (this.kept < this.max) {
      this.kept++;
      if (d.severity === 'error') this.errors++;
      if (this.store) this.store.push(d);
      else this.list.push(d);
    } else {
      this.dropped++;
      if (d.severity === 'error') this.droppedErrors++;
      else if (d.severity === 'warning') this.droppedWarnings++;
    }
  }
  /** The problems over the limit by severity, or undefined when none were. */
  get unlisted(): UnlistedCounts | undefined {
    return this.dropped > 0 ? { errors: this.droppedErrors, warnings: this.droppedWarnings } : undefined;
  }
  /** Forgets everything pushed (the result is replaced by one that lists none of it). */
  discard(): void {
    this.list.length = 0;
    this.kept = this.dropped = this.errors = this.droppedErrors = this.droppedWarnings = 0;
    this.store?.clear();
  }
  finish(): Diagnostic[] {
    if (this.dropped > 0) {
      (this.store ?? this.list).push(fileDiagnostic('info', 'report.truncated', `${this.dropped.toLocaleString('en-US')} more ${this.dropped === 1 ? 'problem was' : 'problems were'} not listed (limit ${this.max}).`));
    }
    return this.list;
  }
}

/** `unlisted` for a result, present only when the sink left problems out. */
function unlistedOf(sink: DiagnosticSink): { unlisted?: UnlistedCounts } {
  const unlisted = sink.unlisted;
  return unlisted ? { unlisted } : {};
}

function resolveFormat(options: ValidationOptions, samples: () => Samples): Detection {
  if (options.customSchema) return { confidence: 'explicit', format: 'custom', candidates: ['custom'], reason: 'a JSON Schema was given' };
  if (options.format) {
    if (!isJsonlFormatId(options.format) && options.format !== 'custom') {
      throw new UsageError(`format "${options.format}" is not a JSONL import format (JSONL formats: ${Object.values(FORMATS).filter((f) => f.jsonl).map((f) => f.id).join(', ')})`);
    }
    return { confidence: 'explicit', format: options.format, candidates: [options.format], reason: 'chosen explicitly' };
  }
  const { objects, broken } = samples();
  return detectJsonlFormat(objects, broken);
}

interface Samples {
  objects: Obj[];
  /** Lines that did not parse (kept for a guess when no line parses). */
  broken: string[];
}

function sampleObjects(lines: Iterable<string>): Samples {
  const objects: Obj[] = [];
  const broken: string[] = [];
  for (const l of lines) {
    if (objects.length >= SNIFF_LINES) break;
    if (!l.trim()) continue;
    try {
      const v = JSON.parse(l);
      if (v && typeof v === 'object' && !Array.isArray(v)) objects.push(v as Obj);
    } catch {
      if (broken.length < SNIFF_LINES) broken.push(l);
    }
  }
  return { objects, broken };
}

function detectionDiagnostic(detection: Detection, hints: ValidationHints = CLI_VALIDATION_HINTS): Diagnostic | undefined {
  if (detection.confidence !== 'ambiguous') return undefined;
  return fileDiagnostic('warning', 'format.ambiguous', `Could not tell the import format for sure (${detection.reason}); validated as ${detection.format}. Candidates: ${detection.candidates.join(', ')}. Choose one with ${hints.chooseFormat}.`);
}

function noFormat(detection: Detection, lines: number): ValidationResult {
  return { format: undefined, detection, items: 0, lines, diagnostics: [] };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A whole JSON document spread over lines (pretty-printed) instead of JSON Lines. */
function wholeDocumentDiagnostic(text: string, lineCount: number): Diagnostic | undefined {
  const first = /^\s*(\S)/.exec(text);
  if (!first || (first[1] !== '{' && first[1] !== '[') || lineCount < 2) return undefined;
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  try {
    JSON.parse(firstLine);
    return undefined;
  } catch {
    // The first line alone is not JSON: see whether the whole file is.
  }
  try {
    const doc = JSON.parse(text);
    const arrayHint = Array.isArray(doc) ? ' It is a JSON array: write each element on its own line, without the brackets and commas.' : '';
    return {
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: firstLine.length + 1,
      severity: 'error',
      code: 'jsonl.notJsonl',
      message: `This file is one JSON document spread over ${lineCount} lines, not JSON Lines: each line must hold one complete JSON object.${arrayHint}`,
    };
  } catch {
    return undefined;
  }
}

/**
 * Feeds lines to a validator in order. Blank lines are reported only when an item follows them,
 * so trailing newlines at the end of a file are not findings.
 */
class LineFeeder {
  lineNo: number;
  items = 0;
  /** Blank lines not reported yet (an item after them reports them; an undecodable line drops them). */
  pendingBlank = 0;
  /** Whether the first item reported the blank lines before it (a validated line) or dropped them. */
  firstItem: 'none' | 'reports' | 'drops' = 'none';
  private readonly scratch: Diagnostic[] = [];

  get parseFailures(): number {
    return this.validator.parseFailures;
  }

  constructor(
    private readonly validator: JsonlLineValidator,
    private readonly sink: DiagnosticSink,
    private readonly onItem: ((item: ItemFacts) => void) | undefined,
    firstLine = 1,
    private readonly anchors?: FileAnchorSource,
    single?: SingleItemSink,
    boxes?: BoxItemSink,
  ) {
    this.lineNo = firstLine - 1;
    if (anchors !== undefined && validator.singleLabel) this.single = single;
    if (anchors !== undefined && validator.boxes && boxes !== undefined) {
      this.boxes = boxes;
      validator.boxSink = boxes;
    }
    this.lean = this.single !== undefined || this.boxes !== undefined;
  }

  /** Set for single-label formats read with deferred anchors (see `SingleItemSink`). */
  private readonly single: SingleItemSink | undefined;
  /** Set for the bounding-box format read with deferred anchors (see `BoxItemSink`). */
  private readonly boxes: BoxItemSink | undefined;
  /** Whether lines are read into `LeanFacts` (one of the two above). */
  private readonly lean: boolean;

  line(text: string): void {
    this.lineNo++;
    const scratch = this.scratch;
    if (scratch.length !== 0) scratch.length = 0;
    const single = this.single;
    // A young object per line: filling it needs no write barrier. The call to `single` is made here
    // rather than in validateLine, whose compiled code then has room to inline the shape prover.
    const lean: LeanFacts | undefined =
      !this.lean
        ? undefined
        : { line: 0, anchor: PENDING_ANCHOR, mediaUri: undefined, textLength: undefined, textContent: undefined, mlUse: undefined, hasMlUse: false, annotations: NO_ANNOTATIONS, lineError: false, label: undefined };
    if (this.validator.validateLine(text, this.lineNo, scratch, this.onItem, this.anchors, lean)) {
      if (lean !== undefined && lean.line !== 0) {
        const lineError = lean.lineError === true;
        if (single !== undefined) single.single(lean.line, this.anchors as FileAnchorSource, lean.mediaUri, lean.textContent, lean.textLength, lean.label, lean.mlUse, lean.hasMlUse, lineError);
        else (this.boxes as BoxItemSink).boxItem(lean.line, this.anchors as FileAnchorSource, lean.mediaUri, lean.mlUse, lean.hasMlUse, lineError);
      }
      this.items++;
      if (this.firstItem === 'none') this.firstItem = 'reports';
      for (; this.pendingBlank > 0; this.pendingBlank--) blankLine(this.lineNo - this.pendingBlank, this.sink);
    } else this.pendingBlank++;
    for (const d of scratch) this.sink.push(d);
  }

  /** A line that could not be decoded: counted as an item, reported by the caller. */
  undecodable(): number {
    this.lineNo++;
    this.items++;
    if (this.firstItem === 'none') this.firstItem = 'drops';
    this.pendingBlank = 0;
    return this.lineNo;
  }
}

function emptyFile(format: FormatId | undefined, detection: Detection, lines: number): ValidationResult {
  return {
    format,
    detection,
    items: 0,
    lines,
    diagnostics: [
      fileDiagnostic('error', 'file.empty', 'The file has no data items: an import file needs one JSON object per line.'),
    ],
  };
}

/** Validates JSONL held in memory (an editor buffer). */
export function validateJsonlText(text: string, options: ValidationOptions = {}): ValidationResult {
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  const lines = splitLines(text);
  const detection = resolveFormat(options, () => sampleObjects(lines));
  if (text.trim().length === 0) return emptyFile(detection.format, detection, lines.length);
  if (!detection.format) return noFormat(detection, lines.length);
  const sink = new DiagnosticSink(options.maxDiagnostics ?? Infinity);
  if (bom) sink.push(bomDiagnostic());
  const whole = wholeDocumentDiagnostic(text, lines.length);
  if (whole) {
    sink.push(whole);
    return { format: detection.format, detection, items: 0, lines: lines.length, diagnostics: sink.finish(), ...unlistedOf(sink) };
  }
  const ambiguous = detectionDiagnostic(detection, options.hints);
  if (ambiguous) sink.push(ambiguous);
  const validator = new JsonlLineValidator(detection.format as JsonlFormatId | 'custom', options.customSchema);
  const from = Math.max(1, options.fromLine ?? 1);
  const feeder = new LineFeeder(validator, sink, options.onItem, from);
  for (let i = from - 1; i < lines.length; i++) {
    const line = lines[i];
    // Text decoded from bytes that were not UTF-8 (an editor buffer) holds U+FFFD where they were:
    // the line is reported and skipped as reading the file's bytes does. Text known to come from
    // valid UTF-8 holds only genuine ones.
    const bad = options.textIsUtf8 ? -1 : line.indexOf('\ufffd');
    if (bad < 0) feeder.line(line);
    else sink.push(replacementCharDiagnostic(feeder.undecodable(), bad + 1));
  }
  return { format: detection.format, detection, items: feeder.items, lines: lines.length, diagnostics: sink.finish(), ...unlistedOf(sink) };
}

function bomDiagnostic(): Diagnostic {
  return fileDiagnostic('warning', 'encoding.bom', 'The file starts with a UTF-8 byte order mark (BOM). Save it as UTF-8 without BOM; the first line may otherwise not parse.');
}

function replacementCharDiagnostic(line: number, column: number): Diagnostic {
  return {
    line,
    column,
    endLine: line,
    endColumn: column + 1,
    severity: 'error',
    code: 'encoding.utf8',
    message: 'Invalid UTF-8 (decoded as the replacement character U+FFFD). Import files must be UTF-8: re-save the file as UTF-8.',
  };
}

function blankLine(line: number, out: { push(d: Diagnostic): void }): void {
  out.push({
    line,
    column: 1,
    endLine: line,
    endColumn: 2,
    severity: 'info',
    code: 'jsonl.blankLine',
    message: 'Blank line: it holds no data item. Remove it; some importers reject blank lines.',
  });
}

/** The validator's test for a binary file (file.binary): NUL bytes among control characters or bytes that are not UTF-8. */
export function looksBinary(head: Buffer): boolean {
  const sample = head.subarray(0, 8192);
  if (sample.indexOf(0) < 0) return false;
  let control = 0;
  for (const c of sample) if (c < 9 || (c > 13 && c < 32)) control++;
  return control / sample.length > 0.05 || !isUtf8(sample.subarray(0, sample.length - 4));
}

const CHUNK_SIZE = 1 << 20;
/** Bytes decoded to one string at most (unless one line is longer): below V8's large-object threshold (128 KiB). */
const DECODE_PIECE = 120 << 10;
/** Smaller files are validated on one thread whatever `jobs` says (worker start-up costs more). */
const PARALLEL_MIN_BYTES = 8 << 20;

/** One byte range of a file for a worker thread (src/core/worker.ts). */
export interface RangeTask {
  path: string;
  from: number;
  to: number;
  /** Where the file's lines start (after a BOM): reads stay on the same chunk grid. */
  origin: number;
  format: JsonlFormatId | 'custom';
  customSchema?: object;
  maxLineBytes: number;
  maxDiagnostics: number;
}

/** A range's findings with lines numbered from 1 inside the range, and what the merge needs. */
export interface RangeResult {
  diagnostics: Diagnostic[];
  dropped: number;
  droppedErrors: number;
  droppedWarnings: number;
  items: number;
  lines: number;
  pendingBlank: number;
  firstItem: LineFeeder['firstItem'];
}

/** Validates one byte range of a file (the worker thread's job). */
export async function validateJsonlRange(task: RangeTask): Promise<RangeResult> {
  const handle = await open(task.path, 'r');
  try {
    const validator = new JsonlLineValidator(task.format, task.customSchema);
    const sink = new DiagnosticSink(task.maxDiagnostics);
    const feeder = new LineFeeder(validator, sink, undefined);
    await streamRange(handle, task.from, task.to, feeder, sink, task.maxLineBytes, {}, task.to, task.origin);
    return { diagnostics: sink.list, dropped: sink.dropped, droppedErrors: sink.droppedErrors, droppedWarnings: sink.droppedWarnings, items: feeder.items, lines: feeder.lineNo, pendingBlank: feeder.pendingBlank, firstItem: feeder.firstItem };
  } finally {
    await handle.close();
  }
}

function startWorker(task: object): Worker {
  // Bundled: dist/worker.js beside dist/cli.js and dist/extension.js. Run from the TypeScript
  // sources (the core tests), the worker registers tsx before loading worker.ts.
  if (!__filename.endsWith('.ts')) return new Worker(join(__dirname, 'worker.js'), { workerData: task });
  const source = join(__dirname, '..', 'worker.ts');
  return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(source)});`, { eval: true, workerData: task });
}

/** Runs a task in src/core/worker.ts; the result is the worker's one message. */
export function runInWorker<T = RangeResult>(task: object): { result: Promise<T>; worker: Worker } {
  const worker = startWorker(task);
  const result = new Promise<T>((resolve, reject) => {
    worker.once('message', (m: T) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the validation worker stopped (exit code ${code})`)));
  });
  // Rejections are handled where the result is awaited; none may go unhandled if an earlier range fails.
  result.catch(() => undefined);
  return { result, worker };
}

/** The first line start at or after `pos` (or `total`). */
export async function lineStartAfter(handle: FileHandle, pos: number, total: number): Promise<number> {
  const block = Buffer.allocUnsafe(64 * 1024);
  for (let at = pos - 1; at < total; at += block.length) {
    const { bytesRead } = await handle.read(block, 0, block.length, at);
    if (bytesRead === 0) break;
    const nl = block.subarray(0, bytesRead).indexOf(10);
    if (nl >= 0) return at + nl + 1;
  }
  return total;
}

/**
 * Splits [from, total) into `jobs` newline-aligned ranges: the first is validated on this thread
 * (straight into `sink`), the others in worker threads; their results are merged in file order
 * with line numbers shifted, blank lines carried across range ends and the diagnostic cap
 * applied as one thread would.
 */
async function validateInParallel(
  handle: FileHandle,
  path: string,
  from: number,
  total: number,
  jobs: number,
  validator: JsonlLineValidator,
  sink: DiagnosticSink,
  options: JsonlFileOptions & { maxLineBytes: number },
): Promise<{ items: number; lineNo: number }> {
  const bounds = [from];
  for (let k = 1; k < jobs; k++) {
    const b = await lineStartAfter(handle, Math.max(bounds[bounds.length - 1] + 1, from + Math.floor(((total - from) * k) / jobs)), total);
    if (b > bounds[bounds.length - 1] && b < total) bounds.push(b);
  }
  bounds.push(total);
  const workers: { result: Promise<RangeResult>; worker: Worker }[] = [];
  try {
    for (let k = 1; k < bounds.length - 1; k++) {
      workers.push(
        runInWorker({
          path,
          from: bounds[k],
          to: bounds[k + 1],
          origin: from,
          format: validator.format,
          customSchema: options.customSchema,
          maxLineBytes: options.maxLineBytes,
          maxDiagnostics: options.maxDiagnostics ?? Infinity,
        }),
      );
    }
    const first = new LineFeeder(validator, sink, undefined);
    await streamRange(handle, bounds[0], bounds[1], first, sink, options.maxLineBytes, options, total, from);
    let lineOffset = first.lineNo;
    let items = first.items;
    let pending = first.pendingBlank;
    for (const { result } of workers) {
      const r = await result;
      if (r.firstItem === 'reports') for (let b = pending; b > 0; b--) blankLine(lineOffset - b + 1, sink);
      for (const d of r.diagnostics) {
        d.line += lineOffset;
        d.endLine += lineOffset;
        if (d.code === 'jsonl.lineTooLong') d.message = d.message.replace(/^Line \d+/, `Line ${d.line}`);
        sink.push(d);
      }
      sink.dropped += r.dropped;
      sink.droppedErrors += r.droppedErrors;
      sink.droppedWarnings += r.droppedWarnings;
      pending = r.firstItem === 'none' ? pending + r.pendingBlank : r.pendingBlank;
      lineOffset += r.lines;
      items += r.items;
    }
    return { items, lineNo: lineOffset };
  } finally {
    for (const { worker } of workers) {
      worker.removeAllListeners('exit');
      void worker.terminate();
    }
  }
}

/**
 * Streams bytes [from, to) of a file (to ends a line or the file) line by line into `feeder`, in
 * constant memory except for lines up to `maxLine` bytes, which are skipped and reported beyond it.
 */
async function streamRange(
  handle: FileHandle,
  from: number,
  to: number,
  feeder: LineFeeder,
  sink: DiagnosticSink,
  maxLine: number,
  options: { signal?: AbortSignal; onProgress?: (bytesRead: number, totalBytes: number) => void },
  total: number,
  origin = from,
): Promise<void> {
  const chunkSize = CHUNK_SIZE;
  const onLine = (text: string) => feeder.line(text);
  const onText = (text: string, last: boolean) => {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end));
      start = nl + 1;
    }
    if (last && start < text.length) onLine(text.slice(start, text.endsWith('\r') ? -1 : undefined));
  };
  const onBytes = (bytes: Buffer) => {
    if (isUtf8(bytes)) {
      // Decoded in pieces of whole lines below V8's large-object size: a line is a view into its
      // piece, and a piece that is still referenced when the young generation is collected is
      // copied, where a larger string would be moved to the old generation and wait there for a
      // full collection (with the dataset checks' batches, every chunk was). Once a line has failed
      // JSON.parse, which keeps its text (and so its piece) alive until a full collection, pieces
      // would be copied again and again: the chunk is then decoded whole, as one large string.
      const piece = feeder.parseFailures === 0 ? DECODE_PIECE : Infinity;
      for (let from = 0; from < bytes.length; ) {
        let to = bytes.length;
        if (to - from > piece) {
          const nl = bytes.lastIndexOf(10, from + piece - 1);
          to = nl >= from ? nl + 1 : bytes.indexOf(10, from + piece) + 1 || bytes.length;
        }
        onText(bytes.toString('utf8', from, to), to === bytes.length);
        from = to;
      }
      return;
    }
    let start = 0;
    while (start < bytes.length) {
      let nl = bytes.indexOf(10, start);
      if (nl < 0) nl = bytes.length;
      const lineBytes = bytes.subarray(start, nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl);
      if (isUtf8(lineBytes)) onLine(lineBytes.toString('utf8'));
      else {
        const lineNo = feeder.undecodable();
        const bad = firstInvalidUtf8(lineBytes);
        const column = lineBytes.subarray(0, bad).toString('utf8').length + 1;
        sink.push({
          line: lineNo,
          column,
          endLine: lineNo,
          endColumn: column + 1,
          severity: 'error',
          code: 'encoding.utf8',
          message: invalidUtf8Message(lineBytes[bad], ` at byte ${bad + 1} of the line`),
        });
      }
      start = nl + 1;
    }
  };

  // One buffer for the whole file: the unfinished last line of a chunk moves to its start and
  // the next chunk is read behind it (no per-chunk allocation or copy of the chunk).
  let position = from;
  let buf = Buffer.allocUnsafe(chunkSize * 2);
  let carried = 0;
  let skipping = false;
  for (;;) {
    if (options.signal?.aborted) throw new Error('Validation cancelled');
    if (buf.length - carried < chunkSize) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, carried + chunkSize));
      buf.copy(bigger, 0, 0, carried);
      buf = bigger;
    }
    // Reads end on the same chunk grid (from `origin`) whatever the range: the long-line check sees
    // the same windows as one thread reading the whole file.
    const { bytesRead } = await handle.read(buf, carried, Math.min(chunkSize - ((position - origin) % chunkSize), to - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const end = carried + bytesRead;
    let start = 0;
    if (skipping) {
      const nl = buf.subarray(0, end).indexOf(10);
      if (nl < 0) {
        carried = 0;
        continue;
      }
      skipping = false;
      start = nl + 1;
    }
    const data = buf.subarray(start, end);
    const lastNl = data.lastIndexOf(10);
    if (lastNl < 0) {
      if (data.length > maxLine) {
        const lineNo = feeder.undecodable();
        sink.push({
          line: lineNo,
          column: 1,
          endLine: lineNo,
          endColumn: 2,
          severity: 'error',
          code: 'jsonl.lineTooLong',
          message: `Line ${lineNo} is longer than ${Math.round(maxLine / 1048576)} MB and was skipped. A data item this large is not a valid import line; check for a missing line break.`,
        });
        skipping = true;
        carried = 0;
      } else {
        buf.copyWithin(0, start, end);
        carried = end - start;
      }
      options.onProgress?.(position, total);
      continue;
    }
    onBytes(data.subarray(0, lastNl + 1));
    buf.copyWithin(0, start + lastNl + 1, end);
    carried = end - (start + lastNl + 1);
    options.onProgress?.(position, total);
  }
  if (carried > 0) onBytes(buf.subarray(0, carried));
}

/**
 * Validates a JSONL file by streaming it in constant memory (except pathological lines, which are
 * capped at `maxLineBytes`). Throws UsageError for unreadable files.
 */
export async function validateJsonlFile(path: string, options: JsonlFileOptions = {}): Promise<ValidationResult> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UsageError(`${path} is a directory`);
    const total = stat.size;
    const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const sink = new DiagnosticSink(options.maxDiagnostics ?? Infinity, options.diagnosticStore);

    // Sniff: the head of the file decides binary/BOM and (without --format) the format.
    const head = Buffer.alloc(Math.min(total, 1 << 20));
    await handle.read(head, 0, head.length, 0);
    const kind = binaryKindOf(head);
    if (kind || looksBinary(head)) {
      sink.push(fileDiagnostic('error', 'file.binary', kind ? binaryKindMessage(kind, 'a JSON Lines import file') : 'This is a binary file, not a JSON Lines import file (it contains NUL bytes and non-text data).'));
      return { format: options.format, detection: { confidence: 'none', candidates: [], reason: 'binary file' }, items: 0, lines: 0, diagnostics: sink.finish(), ...unlistedOf(sink) };
    }
    let offset = 0;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      offset = 3;
      sink.push(bomDiagnostic());
    }
    const headText = head.subarray(offset).toString('utf8');
    const detection = resolveFormat(options, () => sampleObjects(headText.split('\n').slice(0, SNIFF_LINES)));
    if (total <= head.length && headText.trim().length === 0) {
      sink.discard();
      return emptyFile(detection.format, detection, splitLines(headText).length);
    }
    if (!detection.format) {
      sink.discard();
      return noFormat(detection, 0);
    }
    if (total <= maxLine && /^\s*[{[]\s*$/.test(headText.slice(0, headText.indexOf('\n') + 1 || undefined))) {
      const whole = Buffer.alloc(total - offset);
      await handle.read(whole, 0, whole.length, offset);
      const text = whole.toString('utf8');
      const diag = wholeDocumentDiagnostic(text, splitLines(text).length);
      if (diag) {
        sink.push(diag);
        return { format: detection.format, detection, items: 0, lines: splitLines(text).length, diagnostics: sink.finish(), ...unlistedOf(sink) };
      }
    }
    const ambiguous = detectionDiagnostic(detection, options.hints);
    if (ambiguous) sink.push(ambiguous);
    const validator = new JsonlLineValidator(detection.format as JsonlFormatId | 'custom', options.customSchema);

    const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
    let feeder: { items: number; lineNo: number };
    const onItem = options.onItem ?? options.itemsFor?.(detection.format);
    if (jobs > 1 && !onItem && total - offset >= PARALLEL_MIN_BYTES && maxLine >= CHUNK_SIZE) {
      feeder = await validateInParallel(handle, path, offset, total, jobs, validator, sink, { ...options, maxLineBytes: maxLine });
    } else {
      const anchors = options.lazyAnchors && onItem ? anchorSource(path, offset, validator, maxLine) : undefined;
      // The column sinks belong to the consumer given up front (`onItem`), not to one asked for late.
      const given = options.onItem !== undefined && anchors !== undefined;
      const one = new LineFeeder(validator, sink, onItem, 1, anchors, given ? options.singleItems : undefined, given ? options.boxItems : undefined);
      await streamRange(handle, offset, total, one, sink, maxLine, options, total);
      feeder = one;
    }
    if (feeder.items === 0 && sink.errors === 0) {
      sink.discard();
      return emptyFile(detection.format, detection, feeder.lineNo);
    }
    return { format: detection.format, detection, items: feeder.items, lines: feeder.lineNo, diagnostics: sink.finish(), ...unlistedOf(sink) };
  } finally {
    await handle.close();
  }
}

export function isJsonlPath(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

export type { FormatId };
