// Bundles the core CSV entry points for the benchmarks (files starting with `_` are not benchmarks).
import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

export async function loadCore(modules = ['reader', 'validate']) {
  const dir = mkdtempSync(join(tmpdir(), 'vd-bench-'));
  const outfile = join(dir, 'core.cjs');
  await esbuild.build({
    stdin: {
      contents: modules.map((m) => `export * from './src/core/csv/${m}';`).join('\n'),
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return { core: createRequire(import.meta.url)(outfile), file: outfile, dir };
}
