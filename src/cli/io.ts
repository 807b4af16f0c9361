import type { Readable } from 'node:stream';

/** Output sinks for the CLI, injectable so tests run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Current working directory used to resolve relative paths and print paths. */
  cwd: string;
  /** What `-` reads (standard input when absent). */
  stdin?: Readable;
}

export const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};
