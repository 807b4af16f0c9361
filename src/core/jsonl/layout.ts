/**
 * A faster JSON.parse for JSON Lines whose lines share one layout. Import files are nearly always
 * written by a program, so consecutive lines repeat the same keys, punctuation and whitespace and
 * differ only in their string and number values. A layout is learned from a line JSON.parse
 * accepted: its text with each string or number value cut out. A later line matches when the same
 * literal text surrounds values that are plain JSON strings (no escapes, no control characters)
 * or JSON numbers; its object is then built directly, equal to what JSON.parse returns (same
 * values, same key order). Any other line gets `undefined` and goes to JSON.parse.
 */

/** A string value up to its closing quote: anything but quote, backslash and control characters. */
const PLAIN_STRING = '([^"\\\\\\u0000-\\u001f]*)';
/** The JSON number grammar (RFC 8259 section 6). */
const NUMBER_SOURCE = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';
const NUMBER = new RegExp(NUMBER_SOURCE, 'y');

/** Lines longer than this, or with more values, are not learned (and then go to JSON.parse). */
const MAX_LEARN_LENGTH = 16 * 1024;
const MAX_SLOTS = 256;
const MAX_DEPTH = 32;
/** Layouts kept at once: files that alternate a few shapes (one or two annotations) still match. */
const MAX_LAYOUTS = 4;
/** Longest wait between two learning attempts when learned layouts keep going unused. */
const MAX_GAP = 1024;
/** Matches a learned layout needs before learning another right away. */
const PAYS_OFF = 64;
/** Lines per judgement of the hit rate, and the longest the cache sits out after poor ones. */
const WINDOW = 256;
const MAX_DORMANT = 16_384;

/** Thrown inside learnLayout's scan for a line a layout cannot express. */
const NOT_LEARNABLE = new Error('not learnable');

type Builder = (match: RegExpExecArray) => unknown;

interface Layout {
  /** The line's literal text, each value a capture group; anchored at both ends. */
  readonly pattern: RegExp;
  readonly build: Builder;
  hits: number;
}

/**
 * Per validator (a file or an editor document): the layouts seen lately. Matching is one regex
 * test per layout tried: the literal text is compared by the regex engine in one native call,
 * which costs a fraction of JSON.parse.
 */
export class LayoutCache {
  private readonly layouts: Layout[] = [];
  /** Lines to let pass before learning again, and the countdown. Doubles while learning does not pay. */
  private gap = 0;
  private skip = 0;
  private lastLearned: Layout | undefined;
  /** Lines tried and matched in the current window; then lines during which the cache sits out. */
  private tried = 0;
  private matched = 0;
  private dormant = 0;
  private sleep = 0;
  /** Layouts learned so far (tests watch the back-off). */
  learnedCount = 0;

  /** The parsed line when it matches a known layout, else undefined (use JSON.parse, then learn()). */
  parse(text: string): unknown {
    if (this.sleep > 0) {
      this.sleep--;
      return undefined;
    }
    if (++this.tried === WINDOW) this.endWindow();
    const layouts = this.layouts;
    for (let i = 0; i < layouts.length; i++) {
      const layout = layouts[i];
      const m = layout.pattern.exec(text);
      if (m !== null) {
        layout.hits++;
        this.matched++;
        if (i !== 0) {
          // Most recently matched first: a run of one shape costs one attempt per line.
          layouts.splice(i, 1);
          layouts.unshift(layout);
        }
        return layout.build(m);
      }
    }
    return undefined;
  }

  /** Called with a line that matched no layout and that JSON.parse accepted as an object. */
  learn(text: string): void {
    if (this.sleep > 0) return;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    // A learned layout pays for itself (learning costs about as much as 100 JSON.parse calls save)
    // only if many lines match it; while they do not, wait twice as long before learning again.
    this.gap = this.lastLearned && this.lastLearned.hits < PAYS_OFF ? Math.min(this.gap * 2 + 1, MAX_GAP) : 0;
    this.skip = this.gap;
    const layout = text.length <= MAX_LEARN_LENGTH ? learnLayout(text) : undefined;
    this.lastLearned = layout;
    if (!layout) return;
    this.learnedCount++;
    this.layouts.unshift(layout);
    if (this.layouts.length > MAX_LAYOUTS) this.layouts.pop();
  }

  /**
   * Every WINDOW lines: when fewer than half matched, the failed attempts cost more than the
   * matches save, so the cache sits out for a while (doubling each time), then tries again.
   */
  private endWindow(): void {
    if (this.matched * 2 < this.tried) {
      this.dormant = Math.min(this.dormant ? this.dormant * 2 : WINDOW, MAX_DORMANT);
      this.sleep = this.dormant;
      // On waking, the first line that matches nothing is learned at once: the file may have
      // settled into one layout meanwhile.
      this.skip = 0;
    } else this.dormant = 0;
    this.tried = 0;
    this.matched = 0;
  }
}

/** How the object is put together: the tree of a learned line, values by slot index. */
type Shape =
  | { kind: 'object'; keys: string[]; children: Shape[] }
  | { kind: 'array'; children: Shape[] }
  /** index: the value's capture group. */
  | { kind: 'slot'; index: number; number: boolean }
  | { kind: 'const'; value: true | false | null };

/**
 * Scans a line JSON.parse accepted. Returns undefined for what a layout cannot express exactly:
 * escapes or control characters anywhere, duplicate keys, `__proto__`, too many values.
 */
export function learnLayout(text: string): Layout | undefined {
  // Only called for lines JSON.parse accepted, so the scan below trusts the syntax.
  // No escapes: then every quote delimits a string. (Control characters can only be whitespace
  // between tokens in a line JSON.parse accepted; they stay in the literals.)
  if (text.indexOf('\\') >= 0) return undefined;
  const literals: string[] = [];
  const slots: ('string' | 'number')[] = [];
  let literalStart = 0;
  let pos = 0;
  let depth = 0;

  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else return;
    }
  };
  const slot = (kind: 'string' | 'number', start: number, end: number): Shape => {
    literals.push(text.slice(literalStart, start));
    slots.push(kind);
    literalStart = end;
    if (slots.length > MAX_SLOTS) throw NOT_LEARNABLE;
    return { kind: 'slot', index: slots.length, number: kind === 'number' };
  };
  const stringEnd = (start: number) => text.indexOf('"', start + 1) + 1;
  const value = (): Shape => {
    ws();
    const c = text.charCodeAt(pos);
    if ((c === 123 || c === 91) && ++depth > MAX_DEPTH) throw NOT_LEARNABLE;
    if (c === 123) {
      pos++;
      const keys: string[] = [];
      const seen = new Set<string>();
      const children: Shape[] = [];
      ws();
      if (text.charCodeAt(pos) === 125) {
        pos++;
        depth--;
        return { kind: 'object', keys, children };
      }
      for (;;) {
        ws();
        const end = stringEnd(pos);
        const key = text.slice(pos + 1, end - 1);
        if (key === '__proto__' || seen.has(key)) throw NOT_LEARNABLE;
        seen.add(key);
        keys.push(key);
        pos = end;
        ws();
        pos++; // ':'
        children.push(value());
        ws();
        if (text.charCodeAt(pos++) === 125) {
          depth--;
          return { kind: 'object', keys, children };
        }
      }
    }
    if (c === 91) {
      pos++;
      const children: Shape[] = [];
      ws();
      if (text.charCodeAt(pos) === 93) {
        pos++;
        depth--;
        return { kind: 'array', children };
      }
      for (;;) {
        children.push(value());
        ws();
        if (text.charCodeAt(pos++) === 93) {
          depth--;
          return { kind: 'array', children };
        }
      }
    }
    if (c === 34) {
      const start = pos + 1;
      pos = stringEnd(pos);
      return slot('string', start, pos - 1);
    }
    if (c === 116) {
      pos += 4;
      return { kind: 'const', value: true };
    }
    if (c === 102) {
      pos += 5;
      return { kind: 'const', value: false };
    }
    if (c === 110) {
      pos += 4;
      return { kind: 'const', value: null };
    }
    NUMBER.lastIndex = pos;
    NUMBER.test(text);
    const start = pos;
    pos = NUMBER.lastIndex;
    return slot('number', start, pos);
  };

  let shape: Shape;
  try {
    shape = value();
    ws();
  } catch (e) {
    if (e === NOT_LEARNABLE) return undefined;
    throw e;
  }
  if (slots.length > MAX_SLOTS || shape.kind !== 'object' || pos !== text.length) return undefined;
  literals.push(text.slice(literalStart));
  let source = '^' + escapeRegExp(literals[0]);
  for (let i = 0; i < slots.length; i++) source += (slots[i] === 'string' ? PLAIN_STRING : `(${NUMBER_SOURCE})`) + escapeRegExp(literals[i + 1]);
  try {
    return { pattern: new RegExp(source + '$'), build: compile(shape), hits: 0 };
  } catch {
    // Code generation from strings disallowed (node --disallow-code-generation-from-strings) or a
    // pattern the engine refuses: this line's layout is not learned, JSON.parse reads it.
    return undefined;
  }
}

/** One function per layout that builds the value with object literals (one hidden class per object). */
function compile(shape: Shape): Builder {
  const expr = (s: Shape): string => {
    switch (s.kind) {
      case 'slot':
        // Unary plus is ToNumber, the same conversion JSON.parse applies to a JSON number.
        return s.number ? `+m[${s.index}]` : `own(m[${s.index}])`;
      case 'const':
        return String(s.value);
      case 'array':
        return `[${s.children.map(expr).join(',')}]`;
      case 'object':
        // Quoted keys (learnLayout refuses "__proto__", which a literal would treat as the prototype).
        return `{${s.keys.map((k, i) => `${JSON.stringify(k)}:${expr(s.children[i])}`).join(',')}}`;
    }
  };
  return new Function('own', `return function build(m) { return ${expr(shape)}; };`)(own) as Builder;
}

/**
 * A string that owns its characters. V8 makes a substring of 13 or more characters a view into its
 * parent, here the whole decoded chunk the line came from: a value kept for the dataset checks
 * would keep megabytes alive. Concatenating and cutting back yields a flat copy (JSON.parse also
 * makes fresh strings).
 */
function own(s: string): string {
  return s.length < 13 ? s : (s + '\0').slice(0, -1);
}

function escapeRegExp(t: string): string {
  return t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/[\t\n\r]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
