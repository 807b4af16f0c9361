import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../tempDirs';
import { join, resolve } from 'node:path';

/** Runs the CLI in a fresh Node process and reports which Google SDK modules it loaded. */
function sdkModulesAfter(args: string[]): { code: number; loaded: string[] } {
  const root = resolve(__dirname, '..', '..');
  const script = `
    const { main } = require(${JSON.stringify(join(root, 'src', 'cli', 'main.ts'))});
    main(${JSON.stringify(args)}, { out() {}, err() {}, cwd: process.cwd() }).then((code) => {
      const loaded = Object.keys(require.cache).filter((k) => /node_modules\\/(@google-cloud\\/(aiplatform|storage)|google-gax|@grpc\\/grpc-js)\\//.test(k));
      process.stdout.write(JSON.stringify({ code, loaded: [...new Set(loaded.map((k) => k.replace(/.*node_modules\\/((@[^/]+\\/)?[^/]+).*/, '$1')))] }));
    });`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as { code: number; loaded: string[] };
}

describe('the Google SDKs load lazily', () => {
  it('validate never loads them', () => {
    const dir = tempDir('vd-lazy-');
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', classificationAnnotation: { displayName: 'cat' } }) + '\n');
    const r = sdkModulesAfter(['validate', file]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.loaded, []);
  });

  it('import refused by validation never loads them either', () => {
    const dir = tempDir('vd-lazy-');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, JSON.stringify({ imageGcsUri: 'a.jpg', classificationAnnotation: { displayName: 'cat' } }) + '\n');
    const r = sdkModulesAfter(['import', file, '--dataset', 'x', '--bucket', 'gs://bkt']);
    assert.equal(r.code, 1);
    assert.deepEqual(r.loaded, []);
  });

  it('import with --endpoint local loads them (the check above is not vacuous)', () => {
    const dir = tempDir('vd-lazy-');
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, JSON.stringify({ imageGcsUri: 'gs://local-vertex-bucket/a.jpg', classificationAnnotation: { displayName: 'cat' } }) + '\n');
    const r = sdkModulesAfter(['import', file, '--dataset', 'lazy', '--endpoint', 'local']);
    assert.equal(r.code, 0);
    assert.ok(r.loaded.includes('@google-cloud/aiplatform') && r.loaded.includes('@google-cloud/storage'), JSON.stringify(r.loaded));
  });
});
