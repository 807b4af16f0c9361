import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { chmod, open, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const BLOCK = 1 << 20;

/** Collects output bytes in 1 MB blocks; the owner drains them between input chunks. */
export class OutputSink {
  /** The block being filled and its fill level (public for `ensure`/`advance` hot loops). */
  block: Buffer = Buffer.allocUnsafe(BLOCK);
  used = 0;
  private full: Buffer[] = [];
  private readonly spare: Buffer[] = [];

  put(src: Buffer, start: number, end: number): void {
    if (end - start < 64 && BLOCK - this.used >= end - start) {
      // Short ranges: a byte loop beats Buffer#copy, which allocates a view per call.
      const b = this.block;
      let o = this.used;
      for (let i = start; i < end; i++) b[o++] = src[i];
      this.used = o;
      if (o === BLOCK) this.rotate();
      return;
    }
    while (start < end) {
      const n = Math.min(end - start, BLOCK - this.used);
      src.copy(this.block, this.used, start, start + n);
      this.used += n;
      start += n;
      if (this.used === BLOCK) this.rotate();
    }
  }

  putAscii(s: string): void {
    if (BLOCK - this.used < s.length * 3) this.rotate();
    if (s.length <= 16) {
      // Short values (ml_use words, separators) are written per byte: cheaper than the encoder call.
      let ascii = true;
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) ascii = false;
      if (ascii) {
        for (let i = 0; i < s.length; i++) this.block[this.used++] = s.charCodeAt(i);
        return;
      }
    }
    this.used += this.block.write(s, this.used, 'utf8');
  }

  /**
   * Direct access for hot loops: makes `block` have at least `n` free bytes from `used`; write
   * there and call `advance` with the bytes written. False when `n` exceeds a block.
   */
  ensure(n: number): boolean {
    if (n > BLOCK) return false;
    if (BLOCK - this.used < n) this.rotate();
    return true;
  }

  advance(n: number): void {
    this.used += n;
    if (this.used === BLOCK) this.rotate();
  }

  putBytes(b: Buffer): void {
    this.put(b, 0, b.length);
  }

  private rotate(): void {
    if (this.used === 0) return;
    this.full.push(this.block.subarray(0, this.used));
    this.block = this.spare.pop() ?? Buffer.allocUnsafe(BLOCK);
    this.used = 0;
  }

  /** Returns a written block for reuse (saves allocating and collecting one per MB of output). */
  recycle(b: Buffer): void {
    if (b.buffer.byteLength === BLOCK && this.spare.length < 4) this.spare.push(Buffer.from(b.buffer, b.byteOffset, BLOCK));
  }

  /** Takes the completed blocks (and, with `all`, the partial one). */
  take(all: boolean): Buffer[] {
    if (all) this.rotate();
    const out = this.full;
    this.full = [];
    return out;
  }
}

/** A destination: a file written through a temp file renamed into place, or memory. */
export interface Destination {
  sink: OutputSink;
  /**
   * Optional: writes bytes [start, end) of `b` now, after everything put in the sink so far (the
   * caller may reuse `b` on return). Saves copying large output into the sink's blocks.
   */
  writeNow?(b: Uint8Array, start: number, end: number): void;
  drain(): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export class MemoryDestination implements Destination {
  readonly sink = new OutputSink();
  private parts: Buffer[] = [];
  result?: Buffer;
  async drain(): Promise<void> {
    this.parts.push(...this.sink.take(false));
  }
  async commit(): Promise<void> {
    this.parts.push(...this.sink.take(true));
    this.result = Buffer.concat(this.parts);
    this.parts = [];
  }
  async abort(): Promise<void> {
    this.parts = [];
  }
}

/**
 * Writes to a temporary file next to `target` and renames it over `target` on commit, so a crash
 * or a cancel never leaves a half-written file under the real name.
 */
export class FileDestination implements Destination {
  readonly sink = new OutputSink();
  private fh?: FileHandle;
  private offset = 0;
  private inflight: Promise<void>[] = [];
  readonly tempPath: string;

  /** fsync before the rename: worth its cost when the rename replaces the user's original file. */
  durable = false;

  private constructor(readonly target: string) {
    this.tempPath = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  }

  static async create(target: string, modeFrom?: string, durable = false): Promise<FileDestination> {
    const d = new FileDestination(target);
    d.durable = durable;
    d.fh = await open(d.tempPath, 'wx');
    if (modeFrom) {
      try {
        await chmod(d.tempPath, (await stat(modeFrom)).mode & 0o7777);
      } catch {
        // Keeping the default mode is harmless when the original's cannot be read.
      }
    }
    return d;
  }

  /**
   * Starts writing the completed blocks without waiting for them (each at its own file offset,
   * so they may complete in any order); waits only when more than a few are in flight.
   */
  async drain(): Promise<void> {
    for (const b of this.sink.take(false)) {
      this.inflight.push(this.writeAt(b, this.offset));
      this.offset += b.length;
      while (this.inflight.length > 4) await this.inflight.shift();
    }
  }

  writeNow(b: Uint8Array, start: number, end: number): void {
    for (const block of this.sink.take(true)) {
      this.inflight.push(this.writeAt(block, this.offset));
      this.offset += block.length;
    }
    const fd = this.fh!.fd;
    for (let at = start; at < end; ) at += writeSync(fd, b, at, end - at, this.offset + at - start);
    this.offset += end - start;
  }

  private async writeAt(b: Buffer, position: number): Promise<void> {
    let off = 0;
    while (off < b.length) {
      const { bytesWritten } = await this.fh!.write(b, off, b.length - off, position + off);
      off += bytesWritten;
    }
    this.sink.recycle(b);
  }

  async commit(): Promise<void> {
    await this.drain();
    for (const b of this.sink.take(true)) {
      this.inflight.push(this.writeAt(b, this.offset));
      this.offset += b.length;
    }
    const all = this.inflight;
    this.inflight = [];
    await Promise.all(all);
    if (this.durable) await this.fh!.sync();
    await this.fh!.close();
    this.fh = undefined;
    await rename(this.tempPath, this.target);
  }

  async abort(): Promise<void> {
    const all = this.inflight;
    this.inflight = [];
    await Promise.allSettled(all);
    if (this.fh) {
      await this.fh.close().catch(() => undefined);
      this.fh = undefined;
    }
    await unlink(this.tempPath).catch(() => undefined);
  }
}
