/**
 * Where a cursor is inside one JSONL line, in JSON terms: for hover and completion. Works on
 * incomplete lines (the user is typing), thanks to jsonc-parser's tolerant scanner.
 */
import { createScanner, findNodeAtLocation, getLocation, parseTree, ScanError, type Node } from 'jsonc-parser';
import type { JsonPath } from './rules';

export interface CursorContext {
  /** JSON path of the key or value under the cursor (for a key: the path including that key). */
  path: JsonPath;
  /** True when the cursor is on (or where one types) a property name. */
  atKey: boolean;
  /** The string/number/boolean node under the cursor, with its offsets in the line. */
  node?: { type: Node['type']; value: unknown; offset: number; length: number };
  /** Keys already present in the object that holds the cursor (for key completion). */
  siblingKeys: string[];
}

function unterminated(raw: string): boolean {
  const scanner = createScanner(raw, false);
  scanner.scan();
  return scanner.getTokenError() === ScanError.UnexpectedEndOfString;
}

export function cursorContext(line: string, offset: number): CursorContext {
  const loc = getLocation(line, offset);
  const path = [...loc.path];
  const prev = loc.previousNode;
  let node = prev && prev.type !== 'object' && prev.type !== 'array' && offset >= prev.offset && offset <= prev.offset + prev.length
    ? { type: prev.type, value: prev.value, offset: prev.offset, length: prev.length }
    : undefined;
  // A string with no closing quote runs to the end of the line (`"` typed before `}` with
  // auto-closing quotes off): it ends at the cursor, so a completion keeps what follows.
  if (node && (node.type === 'string' || node.type === 'property') && unterminated(line.slice(node.offset, node.offset + node.length))) {
    node = { ...node, length: offset - node.offset, value: line.slice(node.offset + 1, offset) };
  }
  const objectPath = loc.isAtPropertyKey ? path.slice(0, -1) : path.slice(0, -1);
  const tree = parseTree(line);
  const holder = tree && (objectPath.length ? findNodeAtLocation(tree, objectPath) : tree);
  const siblingKeys: string[] = [];
  if (holder?.type === 'object') {
    for (const p of holder.children ?? []) {
      const k = p.children?.[0];
      if (k && typeof k.value === 'string' && !(node && k.offset === node.offset)) siblingKeys.push(k.value);
    }
  }
  return { path, atKey: loc.isAtPropertyKey, node, siblingKeys };
}
