/**
 * The JSON Schemas of the JSONL import formats (files under `schemas/`), precompiled with ajv
 * in strict mode at build time (validators.generated.ts), and lookups of the schema node at a JSON path (for descriptions in hovers and
 * for the `[unverified]` markers that turn findings into warnings, ruling 1).
 */
import type Ajv from 'ajv';
import type { Options, ValidateFunction, ErrorObject } from 'ajv';
import type { JsonlFormatId } from './formats';
import type { ShapeProver } from './jsonl/shape';
import * as precompiled from './validators.generated';
import common from '../../schemas/common.schema.json';
import imageSingle from '../../schemas/image-classification-single-label.schema.json';
import imageMulti from '../../schemas/image-classification-multi-label.schema.json';
import imageBox from '../../schemas/image-bounding-box.schema.json';
import imageSeg from '../../schemas/image-segmentation.schema.json';
import textSingle from '../../schemas/text-classification-single-label.schema.json';
import textMulti from '../../schemas/text-classification-multi-label.schema.json';
import textExtraction from '../../schemas/text-extraction.schema.json';
import textSentiment from '../../schemas/text-sentiment.schema.json';
import videoClassification from '../../schemas/video-classification.schema.json';
import videoAction from '../../schemas/video-action-recognition.schema.json';
import videoTracking from '../../schemas/video-object-tracking.schema.json';

export type JsonSchema = { [key: string]: unknown };

export const FORMAT_SCHEMAS: Readonly<Record<JsonlFormatId, JsonSchema>> = {
  'image-classification-single-label': imageSingle,
  'image-classification-multi-label': imageMulti,
  'image-bounding-box': imageBox,
  'image-segmentation': imageSeg,
  'text-classification-single-label': textSingle,
  'text-classification-multi-label': textMulti,
  'text-extraction': textExtraction,
  'text-sentiment': textSentiment,
  'video-classification': videoClassification,
  'video-action-recognition': videoAction,
  'video-object-tracking': videoTracking,
};

export const COMMON_SCHEMA: JsonSchema = common;

/**
 * A fresh ajv instance in strict mode with the project's annotation keyword registered. ajv is
 * loaded on first use: the format validators are precompiled, so only custom schemas need it.
 */
export function createAjv(strict: boolean | 'log' = true, extra: Options = {}): Ajv {
  const AjvClass = (require('ajv') as typeof import('ajv')).default;
  const ajv = new AjvClass({ strict, allErrors: true, allowUnionTypes: true, validateSchema: true, ...extra });
  ajv.addKeyword({ keyword: 'importSchemaUri', schemaType: 'string' });
  return ajv;
}

/**
 * The schema with every reference into common.schema.json replaced by its target. ajv compiles a
 * referenced schema that itself holds references into a separate function called per value; with
 * the references inlined, one straight-line function checks a whole line. Errors are the same
 * (keyword, instancePath, params, message); only their schemaPath differs.
 */
export function inlineCommonRefs(schema: JsonSchema, depth = 0): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = inlineValue(value, depth);
  if (typeof out.$ref === 'string' && out.$ref.startsWith('common.schema.json#/definitions/') && depth < 16) {
    const target = (COMMON_SCHEMA.definitions as Record<string, JsonSchema>)[out.$ref.slice('common.schema.json#/definitions/'.length)];
    if (target) {
      const { $ref: _ref, ...siblings } = out;
      void _ref;
      return { ...inlineCommonRefs(target, depth + 1), ...siblings };
    }
  }
  return out;
}

function inlineValue(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((v) => inlineValue(v, depth));
  if (value && typeof value === 'object') return inlineCommonRefs(value as JsonSchema, depth);
  return value;
}

/** The export name of a format's validator in validators.generated.ts. */
export function precompiledName(format: JsonlFormatId): string {
  return format.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The export name of a format's shape prover in validators.generated.ts. */
export function proverName(format: JsonlFormatId): string {
  return 'prove' + precompiledName(format).replace(/^[a-z]/, (c) => c.toUpperCase());
}

/** The generated shape prover of a format (scripts/gen-provers.ts). */
export function formatProver(format: JsonlFormatId): ShapeProver {
  return (precompiled as unknown as Record<string, ShapeProver>)[proverName(format)];
}

/** The precompiled validator of a format (its schema with common references inlined). */
export function formatValidator(format: JsonlFormatId): ValidateFunction {
  return (precompiled as unknown as Record<string, ValidateFunction>)[precompiledName(format)];
}

export type AjvError = ErrorObject;

function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let i = 0; i < 8 && typeof current.$ref === 'string'; i++) {
    const ref = current.$ref as string;
    const [file, pointer = ''] = ref.split('#');
    const doc = file === 'common.schema.json' ? COMMON_SCHEMA : file === '' ? root : undefined;
    if (!doc) return current;
    let target: unknown = doc;
    for (const part of pointer.split('/').filter(Boolean)) target = (target as JsonSchema | undefined)?.[part];
    if (!target || typeof target !== 'object') return current;
    root = doc;
    current = target as JsonSchema;
  }
  return current;
}

export interface SchemaNodeInfo {
  node: JsonSchema;
  /** `$comment`s met on the way from the root (outermost first). */
  comments: readonly string[];
  /** True when a `$comment` on the way marks the part `[unverified]` or `[sample]`. */
  unverified: boolean;
}

/**
 * The schema node describing the value at `path` (keys and array indexes), following
 * `properties`, `additionalProperties`, `items` and `$ref`. Undefined when the path leaves the schema.
 */
export function schemaNodeAt(schema: JsonSchema, path: readonly (string | number)[]): SchemaNodeInfo | undefined {
  // Findings ask for the same few paths on line after line: answers are kept in a tree of the
  // paths asked (array indexes share one branch), bounded in size.
  let tree = nodeCache.get(schema);
  if (!tree) nodeCache.set(schema, (tree = { size: 0, root: {} }));
  let at: PathNode | undefined = tree.root;
  for (let i = 0; i < path.length && at; i++) {
    const part = path[i];
    const key = typeof part === 'number' ? INDEX : part;
    let next: PathNode | undefined = at.next?.get(key);
    if (!next && tree.size < 4096) {
      next = {};
      (at.next ??= new Map()).set(key, next);
      tree.size++;
    }
    at = next;
  }
  if (!at) return findSchemaNode(schema, path);
  if (at.info === undefined) at.info = findSchemaNode(schema, path) ?? null;
  return at.info ?? undefined;
}

/** A path asked about: its answer (null: outside the schema) and the longer paths asked. */
interface PathNode {
  info?: SchemaNodeInfo | null;
  next?: Map<string | number, PathNode>;
}
const INDEX = -1;
const nodeCache = new WeakMap<JsonSchema, { size: number; root: PathNode }>();

function findSchemaNode(schema: JsonSchema, path: readonly (string | number)[]): SchemaNodeInfo | undefined {
  let node = resolveRef(schema, schema);
  const comments: string[] = [];
  const note = (n: JsonSchema) => {
    if (typeof n.$comment === 'string') comments.push(n.$comment);
  };
  note(node);
  for (const part of path) {
    let next: unknown;
    if (typeof part === 'number') {
      next = node.items;
    } else {
      const props = node.properties as Record<string, JsonSchema> | undefined;
      next = props && Object.prototype.hasOwnProperty.call(props, part) ? props[part] : node.additionalProperties;
    }
    if (!next || typeof next !== 'object') return undefined;
    note(next as JsonSchema);
    node = resolveRef(schema, next as JsonSchema);
    note(node);
  }
  return Object.freeze({ node, comments: Object.freeze(comments), unverified: comments.some((c) => /^\[(unverified|sample)\]/.test(c)) });
}

/** Property names the schema allows at `path` (for suggestions and completion). */
export function allowedKeys(schema: JsonSchema, path: readonly (string | number)[]): string[] {
  const info = schemaNodeAt(schema, path);
  const props = info?.node.properties as Record<string, unknown> | undefined;
  return props ? Object.keys(props) : [];
}
