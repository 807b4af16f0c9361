/** A split that cannot be done, with the exit code the CLI uses (1 operation failed, 2 usage or I/O). */
export class SplitError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}
