/**
 * Applies the machine-applicable fixes the validator attaches to diagnostics (`data.fixes`, a
 * list of JsonFix applied together) to the text of one JSONL line. Edits touch only the nodes the
 * fix names, so the rest of the line keeps its exact spelling and spacing.
 */
import { applyEdits, createScanner, findNodeAtLocation, modify, parseTree, SyntaxKind, type Node } from 'jsonc-parser';
import type { JsonFix, JsonPath } from './rules';

function isJsonFix(v: unknown): v is JsonFix {
  return typeof v === 'object' && v !== null && Array.isArray((v as JsonFix).path);
}

/** The fixes carried by a diagnostic's `data`, or an empty list. */
export function fixesOf(data: unknown): JsonFix[] {
  const fixes = (data as { fixes?: unknown } | undefined)?.fixes;
  return Array.isArray(fixes) ? fixes.filter(isJsonFix) : [];
}

function replace(text: string, node: Node, content: string): string {
  return text.slice(0, node.offset) + content + text.slice(node.offset + node.length);
}

/**
 * Removes an array element or an object member together with one comma: the one after it up to the
 * next sibling, or for the last of several the one before it (from the comma, so spacing before
 * the comma stays). Every other byte of the line is kept.
 */
function remove(text: string, path: JsonPath): string | undefined {
  const tree = parseTree(text);
  const valueNode = tree && findNodeAtLocation(tree, path);
  if (!valueNode || !valueNode.parent) return undefined;
  const node = valueNode.parent.type === 'property' ? valueNode.parent : valueNode;
  const siblings = node.parent?.children ?? [];
  const i = siblings.indexOf(node);
  if (i < 0) return undefined;
  let start = node.offset;
  let end = node.offset + node.length;
  if (i + 1 < siblings.length) end = siblings[i + 1].offset;
  else if (i > 0) {
    const comma = text.lastIndexOf(',', node.offset);
    if (comma < siblings[i - 1].offset + siblings[i - 1].length) return undefined;
    start = comma;
  }
  return text.slice(0, start) + text.slice(end);
}

/**
 * The separators the line already uses after its commas and colons (", " or ",", ": " or ":"),
 * read from its first comma and first colon outside strings; absent, the other one's spacing.
 */
function lineStyle(text: string): { comma: string; colon: string } {
  let comma: string | undefined;
  let colon: string | undefined;
  const scanner = createScanner(text, false);
  for (let t = scanner.scan(); t !== SyntaxKind.EOF && (comma === undefined || colon === undefined); t = scanner.scan()) {
    const after = text[scanner.getTokenOffset() + scanner.getTokenLength()];
    if (t === SyntaxKind.CommaToken && comma === undefined) comma = after === ' ' ? ', ' : ',';
    if (t === SyntaxKind.ColonToken && colon === undefined) colon = after === ' ' ? ': ' : ':';
  }
  comma ??= colon === ':' ? ',' : ', ';
  colon ??= comma === ',' ? ':' : ': ';
  return { comma, colon };
}

/** JSON text of `value` with the line's separators. */
function serialize(value: unknown, style: { comma: string; colon: string }): string {
  if (Array.isArray(value)) return `[${value.map((v) => serialize(v, style)).join(style.comma)}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}${style.colon}${serialize(v, style)}`).join(style.comma)}}`;
  }
  return JSON.stringify(value);
}

/**
 * Adds a missing member (or appends an array element) written as the rest of the line is written:
 * `, "yMin": 0.2` in a line spaced that way, `,"yMin":0.2` in a compact one.
 */
function insert(text: string, path: JsonPath, value: unknown): string {
  const tree = parseTree(text);
  const holder = tree && (path.length > 1 ? findNodeAtLocation(tree, path.slice(0, -1)) : tree);
  const last = path[path.length - 1];
  const members = holder?.children ?? [];
  const appends = holder?.type === 'array' && typeof last === 'number' && (last < 0 || last >= members.length);
  if (!holder || !((holder.type === 'object' && typeof last === 'string') || appends)) {
    return applyEdits(text, modify(text, path, value, {}));
  }
  const style = lineStyle(text);
  const member = holder.type === 'object' ? `${JSON.stringify(last)}${style.colon}${serialize(value, style)}` : serialize(value, style);
  const end = members.length ? members[members.length - 1].offset + members[members.length - 1].length : holder.offset + 1;
  return text.slice(0, end) + (members.length ? style.comma : '') + member + text.slice(end);
}

function applyOne(text: string, fix: JsonFix): string | undefined {
  if (fix.remove) return remove(text, fix.path);
  let path: JsonPath = fix.path;
  if (fix.key !== undefined) {
    const tree = parseTree(text);
    const valueNode = tree && findNodeAtLocation(tree, path);
    const keyNode = valueNode?.parent?.type === 'property' ? valueNode.parent.children?.[0] : undefined;
    if (!keyNode) return undefined;
    text = replace(text, keyNode, JSON.stringify(fix.key));
    path = [...path.slice(0, -1), fix.key];
  }
  if (fix.value !== undefined) {
    const tree = parseTree(text);
    const node = tree && findNodeAtLocation(tree, path);
    // An existing value is replaced in place; a missing member is inserted without reformatting;
    // both are spaced as the line is.
    text = node ? replace(text, node, serialize(fix.value, lineStyle(text))) : insert(text, path, fix.value);
  }
  return text;
}

/**
 * Applies `fixes` in order to one line of JSON. Removals of array elements run last and from the
 * highest index down, so earlier indexes stay valid. Returns undefined when a fix does not apply
 * (the line changed since the diagnostic was computed).
 */
export function applyJsonFixes(line: string, fixes: readonly JsonFix[]): string | undefined {
  const ordered = [...fixes].sort((a, b) => {
    if (!a.remove !== !b.remove) return a.remove ? 1 : -1;
    if (!a.remove) return 0;
    const ia = a.path[a.path.length - 1];
    const ib = b.path[b.path.length - 1];
    return typeof ia === 'number' && typeof ib === 'number' ? ib - ia : 0;
  });
  let text: string | undefined = line;
  // A key renamed by one fix is where later fixes of that member apply: without this, renaming
  // "ml_use" and then correcting its value inserted a second "ml_use" beside the renamed key.
  const renames: { from: JsonPath; to: JsonPath }[] = [];
  // Two findings can ask to remove one element (an empty label that is also a repeat): removed
  // twice, the element after it would go too.
  const removed = new Set<string>();
  for (const fix of ordered) {
    if (fix.remove) {
      const at = JSON.stringify(fix.path);
      if (removed.has(at)) continue;
      removed.add(at);
    }
    const path = renamedPath(fix.path, renames);
    // The object has a member of the new name already: renaming would make a duplicate key (the
    // two values need merging by hand), so this fix is left out and the others still apply.
    if (fix.key !== undefined && keyTaken(text, path, fix.key)) continue;
    text = applyOne(text, path === fix.path ? fix : { ...fix, path });
    if (text === undefined) return undefined;
    if (fix.key !== undefined) renames.push({ from: path, to: [...path.slice(0, -1), fix.key] });
  }
  return text;
}

function keyTaken(text: string, path: JsonPath, key: string): boolean {
  const tree = parseTree(text);
  const member = tree && findNodeAtLocation(tree, path)?.parent;
  return member?.type === 'property' && (member.parent?.children ?? []).some((p) => p !== member && p.children?.[0]?.value === key);
}

function renamedPath(path: JsonPath, renames: readonly { from: JsonPath; to: JsonPath }[]): JsonPath {
  for (const { from, to } of renames) {
    if (from.length <= path.length && from.every((p, i) => p === path[i])) path = [...to, ...path.slice(from.length)];
  }
  return path;
}
