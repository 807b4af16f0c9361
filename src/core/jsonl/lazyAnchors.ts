/**
 * Deferred anchors for streamed JSONL items. Finding where a line's media URI is written costs a
 * string search per line, yet only the few lines that end up in a dataset finding need it. Facts
 * made with a `FileAnchorSource` keep no line text (a line is a view into the whole decoded chunk:
 * keeping it would keep the chunk); a consumer that kept only line numbers (the dataset
 * accumulator) finds the anchors it needs with `resolve`, which re-reads the file up to the last
 * line asked for.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { Range } from '../diagnostics';
import type { MlUse } from '../formats';
import type { AnchorSource, AnnotationFacts, ItemFacts } from '../items';

/** The validator's side: a line's anchor found again from its text (undefined when the line holds no item). */
export interface LineAnchors {
  anchorOf(text: string, line: number): Range | undefined;
}

/** Item facts whose anchor is found when first read, by re-reading the line (meant to be read rarely, if at all). */
export class DeferredFacts implements ItemFacts {
  line: number;
  mediaUri: string | undefined = undefined;
  textLength: number | undefined = undefined;
  textContent: string | undefined = undefined;
  mlUse: MlUse | undefined = undefined;
  hasMlUse = false;
  annotations: AnnotationFacts[] = [];
  lineError = false;
  readonly deferred: FileAnchorSource;
  private range: Range | undefined = undefined;

  constructor(line: number, source: FileAnchorSource) {
    this.line = line;
    this.deferred = source;
  }

  get anchor(): Range {
    if (this.range === undefined) {
      const line = this.line;
      // The line changed since it was read: its first character.
      this.range = this.deferred.resolve([line]).get(line) ?? { line, column: 1, endLine: line, endColumn: 2 };
    }
    return this.range;
  }

  set anchor(range: Range) {
    this.range = range;
  }
}

const CHUNK = 1 << 20;

/** The anchors of one file's lines, found again by re-reading the file. */
export class FileAnchorSource implements AnchorSource {
  constructor(
    private readonly path: string,
    /** Byte offset of line 1 (after a byte order mark). */
    private readonly offset: number,
    private readonly lines: LineAnchors,
    private readonly maxLineBytes: number,
  ) {}

  /**
   * Lines are split as the file validator splits them (LF, with a CR before it dropped); a line
   * that no longer holds an item (the file changed since) is left out.
   */
  resolve(lines: readonly number[], chunkBytes = CHUNK): Map<number, Range> {
    const out = new Map<number, Range>();
    const wanted = [...new Set(lines)].filter((l) => l >= 1).sort((a, b) => a - b);
    if (wanted.length === 0) return out;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return out;
    }
    try {
      const buf = Buffer.allocUnsafe(chunkBytes);
      let position = this.offset;
      let line = 1;
      let w = 0;
      let parts: Buffer[] | undefined = wanted[0] === 1 ? [] : undefined;
      let partBytes = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, chunkBytes, position);
        if (n === 0) break;
        position += n;
        const view = buf.subarray(0, n);
        let start = 0;
        while (start <= n) {
          const nl = start < n ? view.indexOf(10, start) : -1;
          const end = nl < 0 ? n : nl;
          if (parts && partBytes <= this.maxLineBytes && end > start) {
            parts.push(Buffer.from(view.subarray(start, end)));
            partBytes += end - start;
          }
          if (nl < 0) break;
          if (parts) {
            this.found(Buffer.concat(parts), line, out);
            w++;
            if (w >= wanted.length) return out;
          }
          line++;
          start = nl + 1;
          parts = wanted[w] === line ? [] : undefined;
          partBytes = 0;
        }
      }
      if (parts) this.found(Buffer.concat(parts), line, out);
      return out;
    } catch {
      return out;
    } finally {
      closeSync(fd);
    }
  }

  private found(bytes: Buffer, line: number, out: Map<number, Range>): void {
    if (bytes.length > this.maxLineBytes) return;
    const body = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.subarray(0, bytes.length - 1) : bytes;
    if (!isUtf8(body)) return;
    const anchor = this.lines.anchorOf(body.toString('utf8'), line);
    if (anchor) out.set(line, anchor);
  }
}
