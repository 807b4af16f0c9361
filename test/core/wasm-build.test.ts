// The WebAssembly modules are generated from src/core/wasm/*.c and committed; this keeps them in
// step with their sources. CI installs clang and lld, so there the check always runs.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'src/core/wasm';

describe('generated WebAssembly modules', function () {
  this.timeout(60_000);

  it('every C source has its generated module', () => {
    for (const c of readdirSync(DIR).filter((f) => f.endsWith('.c'))) {
      assert.ok(existsSync(join(DIR, c.replace(/\.c$/, '.wasm.ts'))), `${c} has no generated module: run node scripts/build-wasm.mjs`);
    }
  });

  it('each generated module is what its source compiles to', function () {
    const clang = spawnSync('clang', ['--version']);
    const ld = spawnSync('wasm-ld', ['--version']);
    if (clang.status !== 0 || ld.status !== 0) {
      if (process.env.CI) assert.fail('CI must have clang and wasm-ld (apt-get install clang lld) to check the WebAssembly modules');
      this.skip();
    }
    execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { stdio: 'inherit' });
  });
});
