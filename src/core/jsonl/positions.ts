/**
 * Positions inside one JSONL line, computed with jsonc-parser only for lines that have findings
 * (the fast path never builds a tree).
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, visit, type Node, type ParseError } from 'jsonc-parser';
import type { JsonPath } from './rules';

export interface Span {
  start: number;
  end: number;
}

const PARSE_OPTIONS = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/** A parsed line tree, or undefined when the line is too deep to walk (the whole line is used). */
export function lineTree(text: string): Node | undefined {
  try {
    return parseTree(text, [], PARSE_OPTIONS);
  } catch {
    return undefined;
  }
}

/** Span of the key, value or object at `path`; falls back to the nearest ancestor found. */
export function spanAt(tree: Node | undefined, text: string, path: JsonPath, target: 'key' | 'value' | 'object'): Span {
  const whole = { start: firstNonSpace(text), end: Math.max(lastNonSpace(text), firstNonSpace(text) + 1) };
  if (!tree) return whole;
  let node: Node | undefined;
  let p = path;
  for (; ; p = p.slice(0, -1)) {
    node = p.length === 0 ? tree : findNodeAtLocation(tree, p);
    if (node || p.length === 0) break;
  }
  if (!node) return whole;
  const exact = p.length === path.length;
  if (target === 'object' && exact) {
    if (path.length === 0) return { start: node.offset, end: node.offset + 1 };
    const prop = node.parent;
    if (prop?.type === 'property' && prop.children?.[0]) return nodeSpan(prop.children[0]);
    return nodeSpan(node);
  }
  if (target === 'key' && exact) {
    const prop = node.parent;
    if (prop?.type === 'property' && prop.children?.[0]) return nodeSpan(prop.children[0]);
  }
  if (!exact && node.type === 'object') {
    // The member is missing: point at the property that holds the object, or the brace at the top.
    const prop = node.parent;
    if (prop?.type === 'property' && prop.children?.[0]) return nodeSpan(prop.children[0]);
    return { start: node.offset, end: node.offset + 1 };
  }
  return nodeSpan(node);
}

/**
 * spanAt's answer without building a tree, for a line JSON.parse accepted (so the text is valid
 * JSON): one scan to the deepest node on `path`, skipping other values. Undefined for lines nested
 * deeper than the tree parser surely handles; spanAt decides those as before.
 */
export function quickSpan(text: string, path: JsonPath, target: 'key' | 'value' | 'object'): Span | undefined {
  if (text.length > MAX_QUICK_DEPTH * 2 && maxDepth(text) > MAX_QUICK_DEPTH) return undefined;
  let at = skipSpace(text, 0);
  let key: Span | undefined;
  let matched = 0;
  for (; matched < path.length; matched++) {
    const segment = path[matched];
    const open = text.charCodeAt(at);
    let found = -1;
    if (typeof segment === 'string') {
      if (open !== 123) break;
      for (let j = skipSpace(text, at + 1); text.charCodeAt(j) === 34; ) {
        const keyEnd = skipString(text, j);
        const value = skipSpace(text, skipSpace(text, keyEnd) + 1);
        // The first member with the name, as the tree lookup finds it.
        if (keyText(text, j, keyEnd) === segment) {
          key = { start: j, end: keyEnd };
          found = value;
          break;
        }
        j = skipSpace(text, skipValue(text, value));
        if (text.charCodeAt(j) === 44) j = skipSpace(text, j + 1);
      }
    } else {
      if (open !== 91) break;
      let index = 0;
      for (let j = skipSpace(text, at + 1); text.charCodeAt(j) !== 93; index++) {
        if (index === segment) {
          key = undefined;
          found = j;
          break;
        }
        j = skipSpace(text, skipValue(text, j));
        if (text.charCodeAt(j) === 44) j = skipSpace(text, j + 1);
      }
    }
    if (found < 0) break;
    at = found;
  }
  const length = skipValue(text, at) - at;
  const node = { start: at, end: at + Math.max(1, length) };
  const viaKey = matched > 0 && typeof path[matched - 1] === 'string' ? key : undefined;
  const exact = matched === path.length;
  if (target === 'object' && exact) {
    if (path.length === 0) return { start: at, end: at + 1 };
    return viaKey ?? node;
  }
  if (target === 'key' && exact && viaKey) return viaKey;
  if (!exact && text.charCodeAt(at) === 123) return viaKey ?? { start: at, end: at + 1 };
  return node;
}

/** Nesting the tree parser handles on any stack: deeper lines take the tree path (which may give up). */
const MAX_QUICK_DEPTH = 200;

function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) i = skipString(text, i) - 1;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** The index after the string starting at `i` (a double quote). */
function skipString(text: string, i: number): number {
  for (let q = text.indexOf('"', i + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
  return text.length;
}

/** The index after the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) return skipString(text, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 34) j = skipString(text, j) - 1;
      else if (d === 123 || d === 91) depth++;
      else if ((d === 125 || d === 93) && --depth === 0) return j + 1;
    }
    return text.length;
  }
  let j = i;
  for (; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13) break;
  }
  return j;
}

function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

function nodeSpan(n: Node): Span {
  return { start: n.offset, end: n.offset + Math.max(1, n.length) };
}

function firstNonSpace(text: string): number {
  const m = /\S/.exec(text);
  return m ? m.index : 0;
}

function lastNonSpace(text: string): number {
  let i = text.length;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  return i;
}

const FRIENDLY: Partial<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between members',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: 'unexpected text after the end of the object',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character inside a string (escape it, e.g. \\n or \\u0000)',
};

/** The first syntax error of a line that JSON.parse rejected. */
export function syntaxError(text: string, fallbackMessage: string): { span: Span; message: string } {
  // One scan, no tree: the first error the scanner reports is the one a tree parse lists first.
  let e: ParseError | undefined;
  try {
    visit(
      text,
      {
        onError: (error, offset, length) => {
          e ??= { error, offset, length };
        },
      },
      PARSE_OPTIONS,
    );
  } catch {
    // Too deep for the scanner: report on the whole line with the engine's message.
    e = undefined;
  }
  if (!e) {
    return { span: { start: firstNonSpace(text), end: Math.max(text.length, 1) }, message: fallbackMessage };
  }
  const what = FRIENDLY[printParseErrorCode(e.error)] ?? printParseErrorCode(e.error);
  const start = Math.min(e.offset, Math.max(text.length - 1, 0));
  return { span: { start, end: Math.min(text.length, start + Math.max(1, e.length)) || start + 1 }, message: what };
}

/** Keys repeated in the same object (JSON.parse silently keeps the last one). */
export function duplicateKeys(text: string): { path: JsonPath; key: string; span: Span }[] {
  const found: { path: JsonPath; key: string; span: Span }[] = [];
  const stack: Set<string>[] = [];
  try {
    visit(
      text,
      {
        onObjectBegin: () => {
          stack.push(new Set());
        },
        onObjectEnd: () => {
          stack.pop();
        },
        onObjectProperty: (property, offset, length, _l, _c, pathSupplier) => {
          const seen = stack[stack.length - 1];
          if (!seen) return;
          if (seen.has(property)) found.push({ path: [...pathSupplier(), property], key: property, span: { start: offset, end: offset + length } });
          seen.add(property);
        },
      },
      PARSE_OPTIONS,
    );
  } catch {
    // Pathologically deep lines: duplicates are not reported.
  }
  return found;
}
