// Counts what a run reads from one file, to tell one pass over it from two.
import fsp from 'node:fs/promises';
import { resolve } from 'node:path';

/** Bytes read from `path` through node:fs/promises file handles while `run` runs, and its result. */
export async function bytesReadFrom<T>(path: string, run: () => Promise<T>): Promise<{ bytes: number; result: T }> {
  const open = fsp.open;
  let bytes = 0;
  fsp.open = (async (...args: Parameters<typeof open>) => {
    const handle = await open(...args);
    if (resolve(String(args[0])) === resolve(path)) {
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
      (handle as unknown as { read: typeof read }).read = async (...a: unknown[]) => {
        const r = await read(...a);
        bytes += r.bytesRead;
        return r;
      };
    }
    return handle;
  }) as typeof open;
  try {
    const result = await run();
    return { bytes, result };
  } finally {
    fsp.open = open;
  }
}
