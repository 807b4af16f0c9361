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
