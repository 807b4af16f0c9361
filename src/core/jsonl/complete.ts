/**
 * Key completion in one JSONL line: the keys the format allows in the object at the cursor, as
 * snippets that keep the line one valid JSON object. For the editor's completion provider.
 */
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { ML_USE_KEY } from '../formats';
import { allowedKeys, schemaNodeAt, type JsonSchema } from '../schemas';
import type { CursorContext } from './cursor';

export interface KeyCompletion {
  label: string;
  /** 'field': one key; 'box': the four box coordinates at once. */
  kind: 'field' | 'box';
  /** The text to insert, in VS Code snippet syntax (`$1`, `${1:0}`). */
  snippet: string;
  /** Offsets in the line of the text the completion replaces. */
  start: number;
  end: number;
  filterText: string;
  documentation?: string;
}

const BOX_KEYS = ['xMin', 'yMin', 'xMax', 'yMax'];

/** Keys that exclude each other: an item's document is inline text or a file, not both (`text.source`). */
const EXCLUSIVE: readonly (readonly string[])[] = [['textContent', 'textGcsUri']];

/**
 * The value skeleton of a key's schema type. A number that may also be a numeric string (the
 * coordinates, offsets, sentiment: ruling 2) is written as a number, the canonical form.
 */
function valueSnippet(type: unknown): string {
  if (Array.isArray(type)) type = type.find((t) => t === 'number' || t === 'integer') ?? type[0];
  switch (type) {
    case 'object':
      return '{$1}';
    case 'array':
      return '[$1]';
    case 'number':
    case 'integer':
      return '${1:0}';
    default:
      return '"$1"';
  }
}

/**
 * The key completions at the cursor, described by `ctx` (from `cursorContext(line, offset)`, with
 * `ctx.atKey`): keys of the object not in it yet, without one that excludes a key it has, each with
 * its value's skeleton unless the key already has a colon after it, and followed by a comma when a
 * member comes next (without one the line would not parse).
 */
export function keyCompletions(schema: JsonSchema, line: string, offset: number, ctx: CursorContext): KeyCompletion[] {
  if (!ctx.atKey) return [];
  const node = ctx.node && (ctx.node.type === 'string' || ctx.node.type === 'property') ? ctx.node : undefined;
  const start = node ? node.offset : offset;
  const end = node ? node.offset + node.length : offset;
  const objectPath = ctx.path.slice(0, -1);
  const after = line.slice(end);
  const hasColon = /^\s*:/.test(after);
  const comma = !hasColon && /^\s*"/.test(after) ? ', ' : '';
  const keys = new Set(allowedKeys(schema, objectPath));
  if (objectPath.length === 1 && objectPath[0] === 'dataItemResourceLabels') keys.add(ML_USE_KEY);
  const excluded = new Set<string>();
  if (objectPath.length === 0) {
    for (const group of EXCLUSIVE) if (group.some((k) => ctx.siblingKeys.includes(k))) for (const k of group) excluded.add(k);
  }
  const out: KeyCompletion[] = [];
  for (const key of keys) {
    if (ctx.siblingKeys.includes(key) || excluded.has(key)) continue;
    const info = schemaNodeAt(schema, [...objectPath, key]);
    out.push({
      label: key,
      kind: 'field',
      snippet: hasColon ? JSON.stringify(key).replace(/[$}\\]/g, '\\$&') : `${JSON.stringify(key).replace(/[$}\\]/g, '\\$&')}: ${valueSnippet(info?.node.type)}${comma}`,
      start,
      end,
      filterText: JSON.stringify(key),
      documentation: typeof info?.node.description === 'string' ? info.node.description : undefined,
    });
  }
  if (BOX_KEYS.every((k) => keys.has(k)) && BOX_KEYS.every((k) => !ctx.siblingKeys.includes(k)) && !hasColon) {
    out.push({
      label: 'xMin, yMin, xMax, yMax',
      kind: 'box',
      snippet: `"xMin": \${1:0.1}, "yMin": \${2:0.1}, "xMax": \${3:0.9}, "yMax": \${4:0.9}${comma}`,
      start,
      end,
      filterText: '"xMin',
      documentation: 'Box corners as fractions of the image size, in [0, 1], with min < max.',
    });
  }
  return out;
}

/**
 * Labels a label completion at `path` should leave out: in a multi-label item
 * (`classificationAnnotations[i].displayName`), the labels its other annotations already have, as
 * the same label twice on one item is a repeat (`label.duplicate`). Boxes, segments and spans may
 * share a label, so nothing is left out elsewhere.
 */
export function labelsOnItem(line: string, path: readonly (string | number)[]): Set<string> {
  const out = new Set<string>();
  if (path.length !== 3 || path[0] !== 'classificationAnnotations' || typeof path[1] !== 'number' || path[2] !== 'displayName') return out;
  const tree = parseTree(line);
  const list = tree && findNodeAtLocation(tree, ['classificationAnnotations']);
  if (list?.type !== 'array') return out;
  (list.children ?? []).forEach((a, i) => {
    if (i === path[1]) return;
    const name = findNodeAtLocation(a, ['displayName']);
    if (name?.type === 'string' && typeof name.value === 'string') out.add(name.value);
  });
  return out;
}
