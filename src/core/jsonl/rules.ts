/**
 * Vertex rules beyond JSON Schema for one parsed JSONL item: URIs, ml_use, resource labels,
 * coordinates, durations, offsets, sentiment, legacy shapes and unknown keys. Findings carry a
 * JSON path; positions are computed later, and only for lines that have findings.
 */
import type { Severity } from '../diagnostics';
import {
  ANNOTATION_SET_KEY,
  FORMATS,
  ML_USE_KEY,
  RESERVED_LABEL_PREFIX,
  type FormatInfo,
  type JsonlFormatId,
  type MlUse,
} from '../formats';
import { boxProblems, instanceIdProblem, sentimentProblems, timeOrderProblem } from '../rules/annotations';
import type { AnnotationFacts, BoxItemSink, ItemFacts } from '../items';
import {
  checkMlUse,
  codePointLength,
  durationProblem,
  gcsUriProblem,
  PLAIN_OBJECT,
  mediaTypeProblem,
  numberish,
  parseDuration,
  suggestKey,
  truncate,
  userLabelProblem,
  type Problem,
} from '../rules/values';
import { allowedKeys, FORMAT_SCHEMAS, type JsonSchema } from '../schemas';

export type JsonPath = (string | number)[];

/** A machine-applicable edit at a JSON path: rename the property, replace or remove its value. */
export interface JsonFix {
  path: JsonPath;
  /** New property name (rename). */
  key?: string;
  /** New value (JSON-serializable); absent = keep the value. */
  value?: unknown;
  remove?: boolean;
}

export interface Finding {
  path: JsonPath;
  /** What to underline: the property key, its value, or the object (missing members). */
  target: 'key' | 'value' | 'object';
  code: string;
  severity: Severity;
  message: string;
  fixes?: JsonFix[];
  data?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

const ITEM_LABELS_PATH: JsonPath = ['dataItemResourceLabels'];
const CLASSIFICATION_PATH: JsonPath = ['classificationAnnotation'];
/** DOC-TXT-EE: "You can use a label to annotate between 1 and 10 words." */
const MAX_SPAN_WORDS = 10;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The annotation shape of a format, as a small integer for the per-line dispatch. */
const enum Shape {
  Custom,
  SingleLabel,
  MultiLabel,
  BoundingBox,
  Segmentation,
  Extraction,
  Sentiment,
  TimeSegments,
  Tracking,
}

const SHAPES: Record<JsonlFormatId | 'custom', Shape> = {
  custom: Shape.Custom,
  'image-classification-single-label': Shape.SingleLabel,
  'text-classification-single-label': Shape.SingleLabel,
  'image-classification-multi-label': Shape.MultiLabel,
  'text-classification-multi-label': Shape.MultiLabel,
  'image-bounding-box': Shape.BoundingBox,
  'image-segmentation': Shape.Segmentation,
  'text-extraction': Shape.Extraction,
  'text-sentiment': Shape.Sentiment,
  'video-classification': Shape.TimeSegments,
  'video-action-recognition': Shape.TimeSegments,
  'video-object-tracking': Shape.Tracking,
};

export class ItemChecker {
  readonly info: FormatInfo;
  private readonly schema: JsonSchema;
  private readonly shape: Shape;
  private readonly isText: boolean;
  private readonly mediaKey: string;
  private readonly mediaWhat: string;
  /** The ml_use found by the last checkResourceLabels call on item labels. */
  private mlPresent = false;
  private mlValue: MlUse | undefined = undefined;

  /** `schema` is the user's schema for format `custom`. */
  constructor(readonly format: JsonlFormatId | 'custom', schema?: JsonSchema) {
    this.info = FORMATS[format];
    this.schema = format === 'custom' ? (schema ?? {}) : FORMAT_SCHEMAS[format];
    this.shape = SHAPES[format];
    this.isText = this.info.dataType === 'text';
    this.mediaKey = this.info.mediaKeys[0] ?? '';
    this.mediaWhat = this.info.dataType === 'image' ? 'image URI' : 'video URI';
  }

  /** Whether the format's items have at most one classification label (see `check`'s `labelOnly`). */
  get singleLabel(): boolean {
    return this.shape === Shape.SingleLabel;
  }

  /** Whether the format's items are images with bounding boxes (see `check`'s `labelOnly`). */
  get boxes(): boolean {
    return this.shape === Shape.BoundingBox;
  }

  /** Where `check` with `labelOnly` gives the boxes of a bounding-box item (see `BoxItemSink`). */
  boxSink: BoxItemSink | undefined = undefined;

  /**
   * Checks one item; pushes findings to `out`; fills `facts` when given. With `labelOnly` (formats
   * with `singleLabel`), the classification label is returned instead of put in `facts.annotations`;
   * (formats with `boxes`) the boxes go to `boxSink` instead of `facts.annotations`.
   */
  check(obj: Obj, out: Finding[], facts: ItemFacts | undefined, labelOnly = false): string | undefined {
    const shape = this.shape;
    let label: string | undefined;
    if (shape === Shape.Custom) this.checkCustomUris(obj, [], out, facts, 0);
    else if (this.isText) this.checkText(obj, out, facts);
    else {
      const key = this.mediaKey;
      const uri = obj[key];
      if (typeof uri === 'string') {
        this.checkUri(uri, key, this.mediaWhat, out, this.info.dataType);
        if (facts) facts.mediaUri = uri;
      }
    }
    const labels = obj.dataItemResourceLabels;
    if (isObj(labels)) {
      this.checkResourceLabels(labels, ITEM_LABELS_PATH, 'item', out);
      if (facts) {
        facts.hasMlUse = this.mlPresent;
        facts.mlUse = this.mlValue;
      }
    }
    const annotations = facts ? facts.annotations : undefined;
    switch (shape) {
      case Shape.SingleLabel: {
        const a = obj.classificationAnnotation;
        if (isObj(a)) {
          this.checkClassification(a, CLASSIFICATION_PATH, out, undefined);
          // A one-element array made whole: pushing onto an empty one allocates room for 16.
          if (facts && typeof a.displayName === 'string') {
            if (labelOnly) label = a.displayName;
            else facts.annotations = [{ kind: 'classification', label: a.displayName }];
          }
        }
        break;
      }
      case Shape.MultiLabel: {
        const list = obj.classificationAnnotations;
        if (Array.isArray(list)) {
          const seen = new Set<string>();
          list.forEach((a, i) => {
            if (!isObj(a)) return;
            // A repeated label is one annotation to Vertex: it is not counted again in the facts.
            const repeated = typeof a.displayName === 'string' && seen.has(a.displayName);
            const before = out.length;
            this.checkClassification(a, ['classificationAnnotations', i], out, repeated ? undefined : annotations);
            // An empty label beside real ones: removing its annotation leaves the others. When no
            // other label is real, removing it would leave the item unlabeled: no fix is offered then.
            if (typeof a.displayName === 'string' && a.displayName.trim() === '' && list.some((b) => isObj(b) && typeof b.displayName === 'string' && b.displayName.trim() !== '')) {
              for (let k = before; k < out.length; k++) if (out[k].code === 'label.empty') out[k].fixes = [{ path: ['classificationAnnotations', i], remove: true }];
            }
            if (typeof a.displayName === 'string') {
              if (repeated) {
                out.push({
                  path: ['classificationAnnotations', i, 'displayName'],
                  target: 'value',
                  code: 'label.duplicate',
                  severity: 'warning',
                  message: `Label "${truncate(a.displayName, 40)}" appears twice on this item; Vertex keeps one.`,
                  fixes: [{ path: ['classificationAnnotations', i], remove: true }],
                });
              }
              seen.add(a.displayName);
            }
          });
        }
        break;
      }
      case Shape.BoundingBox: {
        const list = obj.boundingBoxAnnotations;
        if (Array.isArray(list)) {
          list.forEach((a, i) => {
            if (!isObj(a)) return;
            const path = ['boundingBoxAnnotations', i];
            this.checkLabel(a, path, out);
            const box = this.checkBox(a, path, out);
            this.checkAnnotationLabels(a, path, out);
            if (annotations && box && typeof a.displayName === 'string') {
              if (labelOnly) (this.boxSink as BoxItemSink).box(a.displayName, box.xMin, box.yMin, box.xMax, box.yMax);
              else annotations.push({ kind: 'box', label: a.displayName, xMin: box.xMin, yMin: box.yMin, xMax: box.xMax, yMax: box.yMax });
            }
          });
        }
        break;
      }
      case Shape.Segmentation:
        this.checkSegmentation(obj, out, annotations);
        break;
      case Shape.Extraction:
        this.checkExtraction(obj, out, annotations);
        break;
      case Shape.Sentiment:
        this.checkSentiment(obj, out, annotations);
        break;
      case Shape.TimeSegments:
        this.checkTimeSegments(obj, out, annotations);
        break;
      case Shape.Tracking:
        this.checkTracking(obj, out, annotations);
        break;
    }
    return label;
  }

  /** The `mediaUri` that `check` gives an item's facts, without checking anything. */
  mediaUriOf(obj: Obj): string | undefined {
    if (this.shape === Shape.Custom) return firstGcsString(obj, 0);
    const uri = this.isText ? obj.textGcsUri : obj[this.mediaKey];
    return typeof uri === 'string' ? uri : undefined;
  }

  /** Custom datasets: every gs:// string (to a bounded depth) must be a valid Cloud Storage URI. */
  private checkCustomUris(v: unknown, path: JsonPath, out: Finding[], facts: ItemFacts | undefined, depth: number): void {
    if (depth > 8) return;
    if (typeof v === 'string') {
      if (v.startsWith('gs://') || /^gs:/i.test(v)) {
        const p = gcsUriProblem(v, `"${path[path.length - 1] ?? 'value'}"`);
        if (p) this.push(out, path, 'value', p, p.replacement);
        if (facts && !facts.mediaUri) facts.mediaUri = v;
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => this.checkCustomUris(x, [...path, i], out, facts, depth + 1));
    } else if (isObj(v)) {
      for (const k of Object.keys(v)) {
        if (depth === 0 && k === 'dataItemResourceLabels') continue;
        this.checkCustomUris(v[k], [...path, k], out, facts, depth + 1);
      }
    }
  }

  private push(out: Finding[], path: JsonPath, target: Finding['target'], p: Problem, fixValue?: unknown): void {
    const f: Finding = { path, target, code: p.code, severity: p.severity, message: p.message };
    if (fixValue !== undefined) f.fixes = [{ path, value: fixValue }];
    if (p.data) f.data = p.data;
    out.push(f);
  }

  private checkUri(uri: string, key: string, what: string, out: Finding[], dataType: FormatInfo['dataType']): void {
    // Hot path: the bucket and extension of a URI that passed both checks, with a plain object name
    // between them (no line breaks, wildcards, or empty or dot segments): one regex test for both verdicts.
    if (this.goodUri.test(uri) && (uri.length - this.goodUriPrefix) * 3 <= 1024) return;
    const p = gcsUriProblem(uri, what);
    if (p) {
      this.push(out, [key], 'value', p, p.replacement);
      return;
    }
    const m = mediaTypeProblem(uri, dataType);
    if (m) this.push(out, [key], 'value', m);
    else this.rememberGoodUri(uri);
  }

  private goodUri = /(?!)/;
  private goodUriPrefix = 0;
  private readonly goodUriCache = new Map<string, RegExp>();

  private rememberGoodUri(uri: string): void {
    const slash = uri.indexOf('/', 5);
    const dot = uri.lastIndexOf('.');
    if (!uri.startsWith('gs://') || slash < 0 || dot <= uri.lastIndexOf('/') + 1) return;
    const prefix = uri.slice(0, slash + 1);
    const suffix = uri.slice(dot);
    const cacheKey = `${prefix}\n${suffix}`;
    let re = this.goodUriCache.get(cacheKey);
    if (!re) {
      const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      re = new RegExp(`^${escape(prefix)}${PLAIN_OBJECT}(?<=${escape(suffix)})$`);
      if (this.goodUriCache.size < 256) this.goodUriCache.set(cacheKey, re);
    }
    this.goodUri = re;
    this.goodUriPrefix = prefix.length;
  }

  private checkText(obj: Obj, out: Finding[], facts: ItemFacts | undefined): void {
    const hasContent = obj.textContent !== undefined;
    const hasUri = obj.textGcsUri !== undefined;
    if (hasContent && hasUri) {
      out.push({
        path: ['textGcsUri'],
        target: 'key',
        code: 'text.source',
        severity: 'error',
        message: 'Give either "textContent" (inline text) or "textGcsUri" (a .txt file), not both.',
      });
    } else if (!hasContent && !hasUri) {
      out.push({
        path: [],
        target: 'object',
        code: 'text.source',
        severity: 'error',
        message: 'Missing the document: add "textContent" (inline text) or "textGcsUri" (gs:// URI of a .txt file).',
      });
    }
    if (typeof obj.textContent === 'string') {
      if (obj.textContent.trim().length === 0) {
        out.push({ path: ['textContent'], target: 'value', code: 'text.empty', severity: 'error', message: 'textContent is empty; a document needs text.' });
      }
      if (facts) {
        facts.textLength = codePointLength(obj.textContent);
        facts.textContent = obj.textContent;
      }
    }
    if (typeof obj.textGcsUri === 'string') {
      this.checkUri(obj.textGcsUri, 'textGcsUri', 'text file URI', out, 'text');
      if (facts) facts.mediaUri = obj.textGcsUri;
    }
  }

  /** Checks a resource label map; the ml_use it carries (item labels only) goes to mlPresent/mlValue. */
  private checkResourceLabels(labels: Obj, path: JsonPath, level: 'item' | 'annotation', out: Finding[]): void {
    let present = false;
    let value: MlUse | undefined;
    let userLabels = 0;
    for (const key in labels) {
      const v = labels[key];
      if (key === ML_USE_KEY && level === 'item' && typeof v === 'string') {
        // Hot path: a canonical ml_use key with a cached verdict on its value.
        const r = checkMlUse(v, this.info.mlUseValues);
        present = true;
        if (!r.problem) {
          value = r.value;
          continue;
        }
      }
      const keyPath = [...path, key];
      const bare = key.startsWith(RESERVED_LABEL_PREFIX) ? key.slice(RESERVED_LABEL_PREFIX.length) : key;
      const isMlUseKey = key === ML_USE_KEY;
      const looksMlUse = !isMlUseKey && /^ml[_-]?use$/i.test(bare);
      if (isMlUseKey || looksMlUse) {
        if (level === 'annotation') {
          out.push({
            path: keyPath,
            target: 'key',
            code: 'mlUse.misplaced',
            severity: 'error',
            message: `ml_use belongs in the item's dataItemResourceLabels as "${ML_USE_KEY}", not in annotationResourceLabels.`,
          });
          continue;
        }
        present = true;
        if (looksMlUse) {
          out.push({
            path: keyPath,
            target: 'key',
            code: 'mlUse.missingPrefix',
            severity: 'error',
            message: `"${key}" is not read as the split: the key must be "${ML_USE_KEY}".`,
            fixes: [{ path: keyPath, key: ML_USE_KEY }],
          });
        }
        if (typeof v === 'string') {
          const r = checkMlUse(v, this.info.mlUseValues);
          if (r.problem) {
            const fix: JsonFix = r.problem.code === 'mlUse.unassigned' ? { path: keyPath, remove: true } : { path: keyPath, value: r.problem.replacement };
            out.push({
              path: keyPath,
              target: 'value',
              code: r.problem.code,
              severity: r.problem.severity,
              message: r.problem.message,
              fixes: fix.remove || fix.value !== undefined ? [fix] : undefined,
            });
          } else if (!looksMlUse) value = r.value;
        }
        continue;
      }
      if (key.startsWith(RESERVED_LABEL_PREFIX)) {
        if (level === 'annotation' && key === ANNOTATION_SET_KEY) {
          if (typeof v === 'string' && v.trim() === '') {
            out.push({ path: keyPath, target: 'value', code: 'labels.value', severity: 'error', message: 'The annotation set name is empty; give the display name of an existing annotation set.' });
          }
          continue;
        }
        const expected = level === 'item' ? `"${ML_USE_KEY}"` : `"${ANNOTATION_SET_KEY}"`;
        const near = suggestKey(bare, level === 'item' ? ['ml_use'] : ['annotation_set_name']);
        const message =
          level === 'item' && key === ANNOTATION_SET_KEY
            ? `"${key}" belongs in annotationResourceLabels (on each annotation), not in dataItemResourceLabels.`
            : key === RESERVED_LABEL_PREFIX + 'payload_schema'
              ? `"${key}" is an output-only system label; remove it.`
              : `"${key}" is reserved: keys starting with "${RESERVED_LABEL_PREFIX}" are system labels, and the only one allowed here is ${expected}${near ? '. Did you mean that?' : '.'}`;
        out.push({
          path: keyPath,
          target: 'key',
          code: 'labels.reserved',
          severity: 'error',
          message,
          fixes: near ? [{ path: keyPath, key: RESERVED_LABEL_PREFIX + near }] : undefined,
        });
        continue;
      }
      userLabels++;
      const kp = userLabelProblem(key, 'key');
      if (kp) this.push(out, keyPath, 'key', kp);
      if (typeof v === 'string') {
        const vp = userLabelProblem(v, 'value');
        if (vp) this.push(out, keyPath, 'value', vp, vp.replacement);
      }
    }
    if (userLabels > 64) {
      out.push({
        path,
        target: 'key',
        code: 'labels.tooMany',
        severity: 'error',
        message: `At most 64 user labels are allowed per ${level === 'item' ? 'data item' : 'annotation'}; this one has ${userLabels}.`,
      });
    }
    if (level === 'item') {
      this.mlPresent = present;
      this.mlValue = value;
    }
  }

  private checkAnnotationLabels(a: Obj, path: JsonPath, out: Finding[]): void {
    if (isObj(a.annotationResourceLabels)) this.checkResourceLabels(a.annotationResourceLabels, [...path, 'annotationResourceLabels'], 'annotation', out);
  }

  private checkLabel(a: Obj, path: JsonPath, out: Finding[]): void {
    const name = a.displayName;
    if (typeof name !== 'string') return;
    if (name.length > 0 && name.charCodeAt(0) > 32 && name.charCodeAt(name.length - 1) > 32 && this.format !== 'text-extraction') return;
    const p = [...path, 'displayName'];
    if (name.trim().length === 0) {
      out.push({ path: p, target: 'value', code: 'label.empty', severity: 'error', message: 'The label (displayName) is empty.' });
    } else if (name.trim() !== name) {
      out.push({
        path: p,
        target: 'value',
        code: 'label.whitespace',
        severity: 'warning',
        message: `Label "${truncate(name, 40)}" has leading or trailing spaces, so it is a different label from "${truncate(name.trim(), 40)}".`,
        fixes: [{ path: p, value: name.trim() }],
      });
    }
    if (this.format === 'text-extraction') {
      const n = codePointLength(name.trim());
      if (n > 0 && (n < 2 || n > 30)) {
        out.push({ path: p, target: 'value', code: 'label.length', severity: 'error', message: `Entity extraction label names are 2-30 characters long; "${truncate(name, 40)}" has ${n}.` });
      }
    }
  }

  private checkClassification(a: Obj, path: JsonPath, out: Finding[], annotations: AnnotationFacts[] | undefined): void {
    this.checkLabel(a, path, out);
    this.checkAnnotationLabels(a, path, out);
    if (annotations && typeof a.displayName === 'string') annotations.push({ kind: 'classification', label: a.displayName });
  }

  /** A number or numeric string; reports quoted numbers (info) and non-numbers (error). */
  private num(a: Obj, key: string, path: JsonPath, out: Finding[], what: string, integer = false): number | undefined {
    const v = a[key];
    if (v === undefined) return undefined;
    // Hot path (boxes have four per annotation): a finite number has nothing to report.
    if (typeof v === 'number' && Number.isFinite(v) && (!integer || Number.isInteger(v))) return v;
    const p = [...path, key];
    const n = numberish(v);
    if (n === undefined) {
      if (typeof v === 'string') {
        out.push({ path: p, target: 'value', code: 'value.number', severity: 'error', message: `${what} must be a number, found "${truncate(v, 30)}".` });
      }
      return undefined;
    }
    if (integer && !Number.isInteger(n)) {
      out.push({ path: p, target: 'value', code: 'value.integer', severity: 'error', message: `${what} must be a whole number, found ${n}.` });
      return undefined;
    }
    if (typeof v === 'string') {
      out.push({
        path: p,
        target: 'value',
        code: 'value.quotedNumber',
        severity: 'info',
        message: `${what} is a number in a string ("${v}"). Vertex accepts it; a plain number (${n}) is the canonical form.`,
        fixes: [{ path: p, value: n }],
      });
    }
    return n;
  }

  private checkBox(a: Obj, path: JsonPath, out: Finding[]): { xMin: number; yMin: number; xMax: number; yMax: number } | undefined {
    const xMin = this.num(a, 'xMin', path, out, 'xMin');
    const yMin = this.num(a, 'yMin', path, out, 'yMin');
    const xMax = this.num(a, 'xMax', path, out, 'xMax');
    const yMax = this.num(a, 'yMax', path, out, 'yMax');
    // Hot path: a box inside 0..1 with min < max on both axes has no box problem (boxProblems).
    if (xMin !== undefined && yMin !== undefined && xMax !== undefined && yMax !== undefined && xMin >= 0 && yMin >= 0 && xMax <= 1 && yMax <= 1 && xMin < xMax && yMin < yMax) {
      return { xMin, yMin, xMax, yMax };
    }
    const box = { xMin, yMin, xMax, yMax };
    for (const { key, problem, swap } of boxProblems(box)) {
      out.push({
        path: [...path, key],
        target: 'value',
        code: problem.code,
        severity: problem.severity,
        message: problem.message,
        fixes: swap ? [{ path: [...path, swap[0]], value: box[swap[1]] }, { path: [...path, swap[1]], value: box[swap[0]] }] : undefined,
        data: problem.data,
      });
    }
    if (xMin === undefined || yMin === undefined || xMax === undefined || yMax === undefined) return undefined;
    return { xMin, yMin, xMax, yMax };
  }

  private checkSegmentation(obj: Obj, out: Finding[], annotations: AnnotationFacts[] | undefined): void {
    const seg = obj.segmentationAnnotation;
    if (!isObj(seg)) return;
    const path = ['segmentationAnnotation'];
    if (typeof seg.categoryMaskGcsUri === 'string') {
      const p = gcsUriProblem(seg.categoryMaskGcsUri, 'mask URI');
      if (p) this.push(out, [...path, 'categoryMaskGcsUri'], 'value', p, p.replacement);
      else if (!/\.png$/i.test(seg.categoryMaskGcsUri)) {
        out.push({ path: [...path, 'categoryMaskGcsUri'], target: 'value', code: 'value.mediaType', severity: 'warning', message: 'The category mask must be a PNG image of the same size as the image.' });
      }
    }
    const labels: string[] = [];
    if (Array.isArray(seg.annotationSpecColors)) {
      seg.annotationSpecColors.forEach((c, i) => {
        if (!isObj(c)) return;
        const cp = [...path, 'annotationSpecColors', i];
        this.checkLabel(c, cp, out);
        if (typeof c.displayName === 'string') labels.push(c.displayName);
        if (isObj(c.color)) {
          const color = c.color;
          // A channel above 1 means the colour was written in 0..255: the fix divides every channel
          // of that colour, not only those above 1 (a green of 1 there is 1/255, not 1.0).
          const rgb = ['red', 'green', 'blue'].filter((ch) => color[ch] !== undefined);
          // Whole numbers only: a colour mixing 200 and 0.5 is in no one scale, and gets no fix.
          const over = rgb.some((ch) => typeof color[ch] === 'number' && (color[ch] as number) > 1);
          const in255 = rgb.every((ch) => Number.isInteger(color[ch]) && (color[ch] as number) >= 0 && (color[ch] as number) <= 255);
          const alpha = typeof color.alpha === 'number' && color.alpha > 1 && color.alpha <= 255 ? ['alpha'] : [];
          const whole: JsonFix[] | undefined = !over ? undefined : in255 ? [...rgb, ...alpha].map((ch) => ({ path: [...cp, 'color', ch], value: Number(((color[ch] as number) / 255).toFixed(6)) })) : [];
          for (const ch of ['red', 'green', 'blue', 'alpha']) {
            const v = c.color[ch];
            if (typeof v === 'number' && (v < 0 || v > 1)) {
              out.push({
                path: [...cp, 'color', ch],
                target: 'value',
                code: 'segmentation.color',
                severity: 'error',
                message:
                  `Colour channel ${ch} = ${v} is outside 0..1; channels are fractions${v <= 255 ? ` (${v}/255 = ${(v / 255).toFixed(4)})` : ''}.` +
                  (whole && whole.length > 1 ? ' The colour looks written in 0..255: divide each of its channels by 255.' : ''),
                fixes: whole && (ch !== 'alpha' || alpha.length) ? (whole.length ? whole : undefined) : v <= 255 ? [{ path: [...cp, 'color', ch], value: Number((v / 255).toFixed(6)) }] : undefined,
              });
            }
          }
        }
      });
    }
    this.checkAnnotationLabels(seg, path, out);
    if (annotations) annotations.push({ kind: 'segmentation', maskUri: typeof seg.categoryMaskGcsUri === 'string' ? seg.categoryMaskGcsUri : undefined, labels });
  }

  private checkExtraction(obj: Obj, out: Finding[], annotations: AnnotationFacts[] | undefined): void {
    const list = obj.textSegmentAnnotations;
    if (!Array.isArray(list)) return;
    const text = typeof obj.textContent === 'string' ? obj.textContent : undefined;
    const length = text !== undefined ? codePointLength(text) : undefined;
    // Offsets count characters (code points): UTF-16 indexes serve unless the text has surrogate pairs.
    const chars = text !== undefined && /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : undefined;
    const spanOf = (t: string, start: number, end: number) => (chars ? chars.slice(start, end).join('') : t.slice(start, end));
    list.forEach((a, i) => {
      if (!isObj(a)) return;
      const path = ['textSegmentAnnotations', i];
      this.checkLabel(a, path, out);
      this.checkAnnotationLabels(a, path, out);
      const start = this.num(a, 'startOffset', path, out, 'startOffset', true);
      const end = this.num(a, 'endOffset', path, out, 'endOffset', true);
      for (const [key, v] of [['startOffset', start], ['endOffset', end]] as const) {
        if (v !== undefined && v < 0) {
          out.push({ path: [...path, key], target: 'value', code: 'text.offset', severity: 'error', message: `${key} must be zero or more, found ${v}.` });
        }
      }
      if (start !== undefined && end !== undefined && start >= end) {
        out.push({
          path: [...path, 'endOffset'],
          target: 'value',
          code: 'text.offsetOrder',
          severity: 'error',
          message: `endOffset (${end}) must be greater than startOffset (${start}): endOffset is the index just after the last character of the span.`,
        });
      } else if (end !== undefined && length !== undefined && end > length) {
        out.push({
          path: [...path, 'endOffset'],
          target: 'value',
          code: 'text.offsetRange',
          severity: 'error',
          message: `endOffset ${end} is past the end of textContent (${length} characters).`,
        });
      } else if (text !== undefined && start !== undefined && end !== undefined && start >= 0) {
        const span = spanOf(text, start, end);
        const trimmed = span.trim();
        const words = trimmed === '' ? 0 : trimmed.split(/\s+/).length;
        if (words === 0 || words > MAX_SPAN_WORDS) {
          const label = typeof a.displayName === 'string' ? `"${truncate(a.displayName, 40)}" ` : '';
          out.push({
            path,
            target: 'value',
            code: 'text.spanWords',
            severity: 'warning',
            message: `The ${label}span covers ${words === 0 ? 'no words (only spaces)' : `${words} words ("${truncate(trimmed, 40)}")`}; an entity extraction label annotates 1 to ${MAX_SPAN_WORDS} words (DOC-TXT-EE). Annotate the entity itself.`,
          });
        }
      }
      if (annotations && start !== undefined && end !== undefined && typeof a.displayName === 'string') {
        annotations.push({ kind: 'textSegment', label: a.displayName, startOffset: start, endOffset: end });
      }
    });
  }

  private checkSentiment(obj: Obj, out: Finding[], annotations: AnnotationFacts[] | undefined): void {
    const a = obj.sentimentAnnotation;
    if (!isObj(a)) return;
    const path = ['sentimentAnnotation'];
    this.checkAnnotationLabels(a, path, out);
    const s = this.num(a, 'sentiment', path, out, 'sentiment', true);
    const max = this.num(a, 'sentimentMax', path, out, 'sentimentMax', true);
    for (const { key, problem } of sentimentProblems(s, max)) {
      out.push({ path: [...path, key], target: 'value', code: problem.code, severity: problem.severity, message: problem.message });
    }
    if (annotations && s !== undefined && max !== undefined) annotations.push({ kind: 'sentiment', sentiment: s, sentimentMax: max });
  }

  private time(a: Obj, key: string, path: JsonPath, out: Finding[], allowInfinity: boolean): number | undefined {
    const v = a[key];
    if (v === undefined) return undefined;
    const p = durationProblem(v, key, allowInfinity);
    if (p) {
      out.push({
        path: [...path, key],
        target: 'value',
        code: p.code,
        severity: p.severity,
        message: p.message,
        fixes: p.replacement ? [{ path: [...path, key], value: JSON.parse(p.replacement) }] : undefined,
      });
      if (p.severity === 'error') return undefined;
    }
    return typeof v === 'string' ? parseDuration(v) : undefined;
  }

  private checkTimeSegments(obj: Obj, out: Finding[], annotations: AnnotationFacts[] | undefined): void {
    const keyFramesAllowed = this.format === 'video-action-recognition';
    const segment = (a: Obj, path: JsonPath, withLabel: boolean) => {
      const start = this.time(a, 'startTime', path, out, false) ?? (a.startTime === undefined ? 0 : undefined);
      const end = this.time(a, 'endTime', path, out, true) ?? (a.endTime === undefined ? Infinity : undefined);
      const order = start !== undefined && end !== undefined ? timeOrderProblem(start, end, keyFramesAllowed) : undefined;
      if (order) {
        out.push({ path: [...path, 'endTime'], target: a.endTime === undefined ? 'object' : 'value', code: order.code, severity: order.severity, message: order.message });
      }
      if (withLabel) {
        this.checkLabel(a, path, out);
        this.checkAnnotationLabels(a, path, out);
        if (annotations && start !== undefined && end !== undefined && typeof a.displayName === 'string') {
          annotations.push({ kind: 'timeSegment', label: a.displayName, start, end });
        }
      }
    };
    if (Array.isArray(obj.timeSegmentAnnotations)) {
      obj.timeSegmentAnnotations.forEach((a, i) => isObj(a) && segment(a, ['timeSegmentAnnotations', i], true));
    }
    if (keyFramesAllowed && Array.isArray(obj.timeSegments)) {
      obj.timeSegments.forEach((a, i) => isObj(a) && segment(a, ['timeSegments', i], false));
    }
  }

  private checkTracking(obj: Obj, out: Finding[], annotations: AnnotationFacts[] | undefined): void {
    const list = obj.temporalBoundingBoxAnnotations;
    if (!Array.isArray(list)) return;
    list.forEach((a, i) => {
      if (!isObj(a)) return;
      const path = ['temporalBoundingBoxAnnotations', i];
      this.checkLabel(a, path, out);
      this.checkAnnotationLabels(a, path, out);
      const box = this.checkBox(a, path, out);
      const time = this.time(a, 'timeOffset', path, out, false);
      let instanceId: string | undefined;
      const id = a.instanceId;
      if (id !== undefined) {
        const n = numberish(id);
        const problem = instanceIdProblem(n, JSON.stringify(id));
        if (problem) {
          out.push({ path: [...path, 'instanceId'], target: 'value', code: problem.code, severity: problem.severity, message: problem.message });
        } else instanceId = String(n);
      }
      if (annotations && box && time !== undefined && typeof a.displayName === 'string') {
        annotations.push({ kind: 'trackedBox', label: a.displayName, time, instanceId, xMin: box.xMin, yMin: box.yMin, xMax: box.xMax, yMax: box.yMax });
      }
    });
  }

  /** The finding for a key the schema does not allow at `parent` (ajv additionalProperties). */
  unknownKey(parent: JsonPath, key: string, value: unknown, holder?: unknown): Finding {
    const path = [...parent, key];
    const legacy = this.format === 'custom' ? undefined : legacyFinding(this.format, parent, key, value, holder);
    if (legacy) return legacy;
    if (/^ml[_-]?use$/i.test(key) || key === ML_USE_KEY) {
      return {
        path,
        target: 'key',
        code: 'mlUse.misplaced',
        severity: 'error',
        message: `The split is not read from "${key}" here: put it in "dataItemResourceLabels": {"${ML_USE_KEY}": ...}.`,
      };
    }
    const candidates = allowedKeys(this.schema, parent);
    const suggestion = aliasFor(this.info, parent, key) ?? suggestKey(key, candidates);
    return {
      path,
      target: 'key',
      code: 'schema.unknownKey',
      severity: 'warning',
      message: `Unknown key "${truncate(key, 40)}": Vertex AI ignores it, so its data is not imported${suggestion ? `. Did you mean "${suggestion}"?` : `. Allowed here: ${candidates.join(', ')}.`}`,
      fixes: suggestion ? [{ path, key: suggestion }] : undefined,
      data: suggestion ? { suggestion } : undefined,
    };
  }
}

/** The first string `checkCustomUris` takes as the media URI, in the same order, to the same depth. */
function firstGcsString(v: unknown, depth: number): string | undefined {
  if (depth > 8) return undefined;
  if (typeof v === 'string') return v !== '' && (v.startsWith('gs://') || /^gs:/i.test(v)) ? v : undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const found = firstGcsString(x, depth + 1);
      if (found !== undefined) return found;
    }
  } else if (isObj(v)) {
    for (const k of Object.keys(v)) {
      if (depth === 0 && k === 'dataItemResourceLabels') continue;
      const found = firstGcsString(v[k], depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Common wrong names for the media key and annotation keys. */
function aliasFor(info: FormatInfo, parent: JsonPath, key: string): string | undefined {
  if (parent.length !== 0) return undefined;
  const k = key.toLowerCase().replace(/[_-]/g, '');
  if (['imageuri', 'imagepath', 'image', 'gcsuri', 'uri', 'imagegcspath', 'imageurl', 'videouri', 'videopath', 'video', 'videourl', 'texturi', 'textpath', 'fileuri', 'path'].includes(k)) {
    if (info.dataType === 'image' || info.dataType === 'video') return info.mediaKeys[0];
    if (info.dataType === 'text') return k === 'text' ? 'textContent' : 'textGcsUri';
  }
  if (['text', 'content', 'textcontents'].includes(k) && info.dataType === 'text') return 'textContent';
  if (info.annotationKey && ['classificationannotation', 'classificationannotations', 'annotation', 'annotations', 'labels', 'label'].includes(k)) {
    return info.annotationKey;
  }
  return undefined;
}

function legacyFinding(format: JsonlFormatId, parent: JsonPath, key: string, value: unknown, holder?: unknown): Finding | undefined {
  const path = [...parent, key];
  if (parent.length === 0 && key === 'objectAnnotations') {
    const converted = convertLegacyBoxes(value);
    return {
      path,
      target: 'key',
      code: 'legacy.boundingBox',
      severity: 'error',
      message:
        'Legacy shape: "objectAnnotations[].boundingBox.normalizedVertices" is not read by Vertex AI import, so these boxes would be lost. ' +
        'Use "boundingBoxAnnotations": [{"displayName": ..., "xMin": ..., "yMin": ..., "xMax": ..., "yMax": ...}].',
      fixes: converted ? [{ path, key: 'boundingBoxAnnotations', value: converted }] : undefined,
    };
  }
  if (parent.length === 0 && key === 'actionAnnotations') {
    const converted = convertLegacySegments(value);
    return {
      path,
      target: 'key',
      code: 'legacy.timeSegment',
      severity: 'error',
      message:
        'Legacy shape: "actionAnnotations[].timeSegment{startTimeOffset,endTimeOffset}" is the read-side annotation payload, not the import format, so these actions would be lost. ' +
        'Use "timeSegmentAnnotations": [{"displayName": ..., "startTime": "1.0s", "endTime": "2.5s"}].',
      fixes: converted ? [{ path, key: 'timeSegmentAnnotations', value: converted }] : undefined,
    };
  }
  if (parent.length === 2 && key === 'timeSegment' && parent[0] === 'timeSegmentAnnotations') {
    return {
      path,
      target: 'key',
      code: 'legacy.timeSegment',
      severity: 'error',
      message: 'Legacy shape: "timeSegment{startTimeOffset,endTimeOffset}" is the read-side payload. Put "startTime" and "endTime" directly on the annotation.',
      fixes: isObj(value) ? [{ path, remove: true }, ...segmentFixes(parent, value)] : undefined,
    };
  }
  if (parent.length === 2 && key === 'boundingBox' && format === 'image-bounding-box') {
    // The corners go onto the annotation, unless it has coordinates of its own (which to keep is the user's call).
    const own = isObj(holder) && ['xMin', 'yMin', 'xMax', 'yMax'].some((k) => holder[k] !== undefined);
    const box = own ? undefined : convertLegacyBoxes([{ boundingBox: value }])?.[0];
    return {
      path,
      target: 'key',
      code: 'legacy.boundingBox',
      severity: 'error',
      message: 'Legacy shape: "boundingBox.normalizedVertices" is not read by Vertex AI import. Put "xMin", "yMin", "xMax", "yMax" directly on the annotation.',
      fixes: box ? [{ path, remove: true }, ...(['xMin', 'yMin', 'xMax', 'yMax'] as const).map((k) => ({ path: [...parent, k], value: box[k] }))] : undefined,
    };
  }
  if (parent.length === 2 && key === 'textSegment' && format === 'text-extraction') {
    return {
      path,
      target: 'key',
      code: 'legacy.textSegment',
      severity: 'error',
      message: 'Read-side shape: "textSegment{startOffset,endOffset}" is the annotation payload. Put "startOffset" and "endOffset" directly on the annotation.',
      fixes: isObj(value)
        ? [
            { path, remove: true },
            ...(value.startOffset !== undefined ? [{ path: [...parent, 'startOffset'], value: numberish(value.startOffset) ?? value.startOffset }] : []),
            ...(value.endOffset !== undefined ? [{ path: [...parent, 'endOffset'], value: numberish(value.endOffset) ?? value.endOffset }] : []),
          ]
        : undefined,
    };
  }
  return undefined;
}

function segmentFixes(parent: JsonPath, seg: Obj): JsonFix[] {
  const fixes: JsonFix[] = [];
  if (seg.startTimeOffset !== undefined) fixes.push({ path: [...parent, 'startTime'], value: seg.startTimeOffset });
  if (seg.endTimeOffset !== undefined) fixes.push({ path: [...parent, 'endTime'], value: seg.endTimeOffset });
  return fixes;
}

/** objectAnnotations[].boundingBox.normalizedVertices → boundingBoxAnnotations[] (missing x/y are 0, as in protobuf). */
export function convertLegacyBoxes(value: unknown): Obj[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const result: Obj[] = [];
  for (const a of value) {
    if (!isObj(a) || !isObj(a.boundingBox) || !Array.isArray(a.boundingBox.normalizedVertices)) return undefined;
    const vs = a.boundingBox.normalizedVertices.filter(isObj);
    if (vs.length < 2) return undefined;
    const xs = vs.map((v) => numberish(v.x ?? 0));
    const ys = vs.map((v) => numberish(v.y ?? 0));
    if (xs.some((x) => x === undefined) || ys.some((y) => y === undefined)) return undefined;
    const box: Obj = {
      displayName: a.displayName,
      xMin: Math.min(...(xs as number[])),
      yMin: Math.min(...(ys as number[])),
      xMax: Math.max(...(xs as number[])),
      yMax: Math.max(...(ys as number[])),
    };
    if (a.annotationResourceLabels !== undefined) box.annotationResourceLabels = a.annotationResourceLabels;
    result.push(box);
  }
  return result;
}

/** actionAnnotations[].timeSegment{startTimeOffset,endTimeOffset} → timeSegmentAnnotations[]. */
export function convertLegacySegments(value: unknown): Obj[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const result: Obj[] = [];
  for (const a of value) {
    if (!isObj(a)) return undefined;
    const seg = isObj(a.timeSegment) ? a.timeSegment : {};
    const item: Obj = { displayName: a.displayName };
    if (seg.startTimeOffset !== undefined) item.startTime = seg.startTimeOffset;
    if (seg.endTimeOffset !== undefined) item.endTime = seg.endTimeOffset;
    if (a.annotationResourceLabels !== undefined) item.annotationResourceLabels = a.annotationResourceLabels;
    result.push(item);
  }
  return result;
}
