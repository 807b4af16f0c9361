/**
 * Per-line results of the last validation of one JSONL document, kept in step with edits: an edit
 * splices the arrays (lines after it move, lines it touched become dirty), and the next run
 * re-validates only the dirty lines. Line numbers inside cached findings and facts are fixed up
 * when they are read, so an edit costs a splice, not a pass over the file.
 */
import type { Diagnostic } from '../core/diagnostics';
import type { FormatId } from '../core/formats';
import type { ItemFacts } from '../core/items';

export interface LineEdit {
  /** 0-based first and last line the change replaced (in the document before the change). */
  startLine: number;
  endLine: number;
  /** Line breaks in the inserted text. */
  insertedBreaks: number;
}

export class LineCache {
  private diagnostics: (Diagnostic[] | undefined)[];
  private facts: (ItemFacts | undefined)[];
  private isItem: boolean[];
  private dirty = new Set<number>();
  /** Facts dropped and facts added since the last `takeChanges` (for the incremental dataset). */
  private removedFacts: ItemFacts[] = [];
  private readonly addedFacts = new Set<ItemFacts>();
  items: number;

  constructor(
    readonly format: FormatId,
    /** Document version the cache matches (after applying the edits it was told about). */
    public version: number,
    lineCount: number,
    lineDiagnostics: readonly Diagnostic[],
    facts: readonly ItemFacts[],
    text: string,
  ) {
    this.diagnostics = new Array(lineCount);
    this.facts = new Array(lineCount);
    this.isItem = nonBlankLines(text, lineCount);
    this.items = 0;
    for (const item of this.isItem) if (item) this.items++;
    for (const d of lineDiagnostics) (this.diagnostics[d.line - 1] ??= []).push(d);
    for (const f of facts) this.facts[f.line - 1] = f;
  }

  get lineCount(): number {
    return this.isItem.length;
  }

  /** Applies one content change; returns false when the cache cannot follow it. */
  applyEdit(edit: LineEdit): boolean {
    const { startLine, endLine, insertedBreaks } = edit;
    if (startLine < 0 || endLine >= this.isItem.length || endLine < startLine) return false;
    const removed = endLine - startLine + 1;
    const inserted = insertedBreaks + 1;
    for (let i = startLine; i <= endLine; i++) if (this.isItem[i]) this.items--;
    const blanks = new Array<undefined>(inserted);
    this.diagnostics.splice(startLine, removed, ...blanks);
    for (const f of this.facts.splice(startLine, removed, ...blanks)) if (f) this.drop(f);
    this.isItem.splice(startLine, removed, ...new Array<boolean>(inserted).fill(false));
    const delta = inserted - removed;
    if (delta !== 0 || this.dirty.size) {
      const next = new Set<number>();
      for (const d of this.dirty) {
        if (d < startLine) next.add(d);
        else if (d > endLine) next.add(d + delta);
      }
      this.dirty = next;
    }
    for (let i = startLine; i < startLine + inserted; i++) this.dirty.add(i);
    return true;
  }

  /** Dirty lines as sorted, merged 0-based [start, end] ranges. */
  dirtyRanges(): [number, number][] {
    const lines = [...this.dirty].sort((a, b) => a - b);
    const out: [number, number][] = [];
    for (const l of lines) {
      const last = out[out.length - 1];
      if (last && l === last[1] + 1) last[1] = l;
      else out.push([l, l]);
    }
    return out;
  }

  /** Stores the results of re-validating lines `start..end` (0-based); findings carry document line numbers. */
  update(start: number, end: number, diagnostics: readonly Diagnostic[], facts: readonly ItemFacts[], isItemLine: (i: number) => boolean): void {
    for (let i = start; i <= end; i++) {
      this.diagnostics[i] = undefined;
      const old = this.facts[i];
      if (old) this.drop(old);
      this.facts[i] = undefined;
      this.dirty.delete(i);
      const item = isItemLine(i);
      if (item !== this.isItem[i]) this.items += item ? 1 : -1;
      this.isItem[i] = item;
    }
    for (const d of diagnostics) (this.diagnostics[d.line - 1] ??= []).push(d);
    for (const f of facts) {
      this.facts[f.line - 1] = f;
      this.addedFacts.add(f);
    }
  }

  /**
   * Lines `joins` (0-based) each end with a lone CR in the file on disk, so each is one line with
   * the next to Vertex AI and the command line: one item, which does not parse (no facts). The
   * pieces of each run of joined lines become that one item, as the command line counts them.
   */
  joinLines(joins: readonly number[]): void {
    const n = this.isItem.length;
    for (let k = 0; k < joins.length; ) {
      const start = joins[k];
      let end = start + 1;
      while (k + 1 < joins.length && joins[k + 1] === end) {
        k++;
        end++;
      }
      k++;
      if (start < 0 || end >= n) continue;
      let counted = false;
      for (let i = start; i <= end; i++) {
        const f = this.facts[i];
        if (f) {
          this.drop(f);
          this.facts[i] = undefined;
        }
        if (!this.isItem[i]) continue;
        if (counted) {
          this.isItem[i] = false;
          this.items--;
        }
        counted = true;
      }
    }
  }

  private drop(f: ItemFacts): void {
    if (!this.addedFacts.delete(f)) this.removedFacts.push(f);
  }

  /**
   * The facts dropped and added since the last call, the added ones with a place among the kept
   * ones (`orderOf` gives the places of those): new items between two kept ones share the gap
   * evenly. When the gaps run out, `renumber` is true and every place is the line number (the
   * caller renumbers the kept items too). Fixes up line numbers on the way.
   */
  takeChanges(orderOf: (f: ItemFacts) => number | undefined): { removed: ItemFacts[]; added: { item: ItemFacts; order: number }[]; renumber: boolean } {
    const removed = this.removedFacts;
    this.removedFacts = [];
    this.fixLines();
    const added = [...this.addedFacts].sort((a, b) => a.line - b.line);
    this.addedFacts.clear();
    const placed: { item: ItemFacts; order: number }[] = [];
    const facts = this.facts;
    let renumber = false;
    let prev: number | undefined;
    for (let j = 0; j < added.length && !renumber; ) {
      const start = added[j].line - 1;
      // The kept item before this run of new ones (the one before that run was placed already).
      prev = undefined;
      for (let i = start - 1; i >= 0; i--) {
        const f = facts[i];
        if (!f) continue;
        prev = orderOf(f) ?? placed[placed.length - 1]?.order;
        break;
      }
      let k = 0;
      let next: number | undefined;
      for (let i = start; i < facts.length; i++) {
        const f = facts[i];
        if (!f) continue;
        if (k < added.length - j && f === added[j + k]) k++;
        else {
          next = orderOf(f);
          break;
        }
      }
      const lo = prev ?? (next !== undefined ? next - k - 1 : 0);
      const hi = next ?? lo + k + 1;
      let last = lo;
      for (let r = 0; r < k; r++) {
        const order = lo + ((hi - lo) * (r + 1)) / (k + 1);
        if (!(order > last && order < hi)) renumber = true;
        placed.push({ item: added[j + r], order });
        last = order;
      }
      j += k;
    }
    if (renumber) return { removed, added: added.map((item) => ({ item, order: item.line })), renumber };
    return { removed, added: placed, renumber };
  }

  /** Facts dropped since the last `resetChanges` or `takeChanges` (that were there before it). */
  droppedSinceReset(): readonly ItemFacts[] {
    return this.removedFacts;
  }

  /** Forgets tracked changes (the dataset was built from all facts as they are now). */
  resetChanges(): void {
    this.removedFacts = [];
    this.addedFacts.clear();
  }

  /** Fixes up the line numbers of the cached facts to where their lines are now. */
  fixLines(): void {
    for (let i = 0; i < this.facts.length; i++) {
      const f = this.facts[i];
      if (!f) continue;
      const shift = i + 1 - f.line;
      if (shift !== 0) {
        f.line += shift;
        f.anchor.line += shift;
        f.anchor.endLine += shift;
      }
    }
  }

  /** All cached line findings in line order, with line numbers fixed up to where the lines are now. */
  lineDiagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (let i = 0; i < this.diagnostics.length; i++) {
      const ds = this.diagnostics[i];
      if (!ds) continue;
      for (const d of ds) {
        const shift = i + 1 - d.line;
        if (shift !== 0) {
          d.line += shift;
          d.endLine += shift;
          for (const r of d.related ?? []) if (r.path === undefined) ((r.line += shift), (r.endLine += shift));
        }
        out.push(d);
      }
    }
    return out;
  }

  /** All cached item facts in line order, with line numbers fixed up. */
  itemFacts(): ItemFacts[] {
    const out: ItemFacts[] = [];
    for (let i = 0; i < this.facts.length; i++) {
      const f = this.facts[i];
      if (!f) continue;
      const shift = i + 1 - f.line;
      if (shift !== 0) {
        f.line += shift;
        f.anchor.line += shift;
        f.anchor.endLine += shift;
      }
      out.push(f);
    }
    return out;
  }
}

const UNICODE_SPACES = new Set([0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);

/**
 * Which lines of `text` hold anything but whitespace and control characters. Once a line is known
 * to hold something, the scan jumps to its end with indexOf (native), so the cost is per line, not
 * per character.
 */
export function nonBlankLines(text: string, lineCount: number): boolean[] {
  const out = new Array<boolean>(lineCount).fill(false);
  let line = 0;
  let i = 0;
  while (i < text.length && line < lineCount) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
    } else if (c <= 32 || (c >= 0x2000 && c <= 0x200a) || UNICODE_SPACES.has(c)) {
      i++;
    } else {
      out[line++] = true;
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl + 1;
    }
  }
  return out;
}
