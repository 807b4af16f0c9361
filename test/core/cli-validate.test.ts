import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli as runCli } from './support/cli';

const ROOT = join(__dirname, '..', '..');

const cli = (args: string[], cwd = ROOT) => runCli(args, cwd);

const BAD = '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a"},"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"TRAIN"}}';
const TRAIN_COL = BAD.indexOf('"TRAIN"') + 1;
const WARN = '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a"},"note":"x"}';
const NOTE_COL = WARN.indexOf('"note"') + 1;

describe('vertex-datasets validate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-cli-'));
    writeFileSync(join(dir, 'good.jsonl'), '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a"}}\n');
    writeFileSync(join(dir, 'warn.jsonl'), WARN + '\n');
    writeFileSync(join(dir, 'bad.jsonl'), BAD + '\n');
    writeFileSync(join(dir, 'events.jsonl'), '{"event":"click"}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exit 0 with no problems, and a summary line', async () => {
    const r = await cli(['validate', '--no-dataset-checks', join(dir, 'good.jsonl')], dir);
    assert.equal(r.code, 0);
    assert.equal(r.out, '1 file, 1 item: 0 errors, 0 warnings\n');
  });

  it('exit 0 with warnings only', async () => {
    const r = await cli(['validate', '--no-dataset-checks', 'warn.jsonl'], dir);
    assert.equal(r.code, 0);
    assert.ok(r.out.startsWith(`warn.jsonl:1:${NOTE_COL}: warning schema.unknownKey: Unknown key "note"`), r.out);
  });

  it('exit 1 with errors, compiler-style lines', async () => {
    const r = await cli(['validate', '--no-dataset-checks', 'bad.jsonl'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.out.split('\n')[0], `bad.jsonl:1:${TRAIN_COL}: error mlUse.invalid: ml_use "TRAIN" is not valid: expected "training", "validation", "test". Did you mean "training"?`);
    assert.match(r.out, /1 file, 1 item: 1 error, 0 warnings\n$/);
  });

  it('exit 2 with a one-line reason for a missing file, an unknown format, bad usage', async () => {
    for (const args of [['validate', 'missing.jsonl'], ['validate', '--format', 'nope', 'good.jsonl'], ['validate'], ['validate', '--output', 'xml', 'good.jsonl'], ['frobnicate']]) {
      const r = await cli(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.err.trim().length > 0);
      if (args[0] === 'validate') assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });

  it('--jobs takes a whole number from 1 to 64 and does not change the output', async () => {
    for (const bad of ['0', '1.5', 'x', '65']) {
      const r = await cli(['validate', '--no-dataset-checks', '--jobs', bad, 'good.jsonl'], dir);
      assert.equal(r.code, 2, bad);
      assert.match(r.err, /--jobs must be a whole number from 1 to 64/);
    }
    const one = await cli(['validate', '--no-dataset-checks', '--output', 'json', 'bad.jsonl', 'warn.jsonl'], dir);
    const two = await cli(['validate', '--no-dataset-checks', '--jobs', '2', '--output', 'json', 'bad.jsonl', 'warn.jsonl'], dir);
    assert.deepEqual(two, one);
  });

  it('exit 2 when the format cannot be detected, naming the fix', async () => {
    const r = await cli(['validate', 'events.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot tell the import format.*--format/);
  });

  it('a file whose first lines do not parse is still validated: its syntax errors, not "no line has imageGcsUri"', async () => {
    // A trailing comma on every line, and a first line longer than the head read for detection.
    writeFileSync(join(dir, 'commas.jsonl'), '{"imageGcsUri":"gs://bkt/a.jpg","classificationAnnotation":{"displayName":"a"},}\n'.repeat(2));
    writeFileSync(join(dir, 'long.jsonl'), JSON.stringify({ imageGcsUri: 'gs://bkt/a.jpg', classificationAnnotation: { displayName: 'a' }, note: 'x'.repeat(3 << 20) }) + '\n');
    let r = await cli(['validate', '--no-dataset-checks', '--output', 'json', 'commas.jsonl'], dir);
    assert.equal(r.code, 1, r.err);
    const file = (JSON.parse(r.out) as { files: { format: string; diagnostics: { line: number; code: string; message: string }[] }[] }).files[0];
    assert.equal(file.format, 'image-classification-single-label');
    assert.deepEqual(file.diagnostics.map((d) => [d.code, d.line]), [['format.ambiguous', 1], ['jsonl.syntax', 1], ['jsonl.syntax', 2]]);
    assert.match(file.diagnostics[0].message, /none of the first 2 non-blank lines read parses as JSON; guessed from the key names/);
    r = await cli(['validate', '--no-dataset-checks', 'long.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /long\.jsonl:1:1: warning format\.ambiguous: .*the first non-blank line read does not parse as JSON/);
    assert.match(r.out, /warning schema\.unknownKey: Unknown key "note"/);
    // Broken lines without any import key still cannot be detected, and the reason says why.
    writeFileSync(join(dir, 'broken-events.jsonl'), '{"event":"click",}\n');
    r = await cli(['validate', 'broken-events.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot tell the import format \(the first non-blank line read does not parse as JSON, and it names none of imageGcsUri/);
  });

  it('JSON output has exactly the documented shape', async () => {
    const r = await cli(['validate', '--no-dataset-checks', '--output', 'json', 'good.jsonl', 'bad.jsonl'], dir);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json), ['files']);
    assert.deepEqual(json.files[0], { path: 'good.jsonl', format: 'image-classification-single-label', items: 1, errors: 0, warnings: 0, diagnostics: [] });
    assert.deepEqual(Object.keys(json.files[1]), ['path', 'format', 'items', 'errors', 'warnings', 'diagnostics']);
    assert.deepEqual(json.files[1].diagnostics[0], {
      line: 1,
      column: TRAIN_COL,
      endLine: 1,
      endColumn: TRAIN_COL + 7,
      severity: 'error',
      code: 'mlUse.invalid',
      message: 'ml_use "TRAIN" is not valid: expected "training", "validation", "test". Did you mean "training"?',
    });
  });

  it('SARIF 2.1.0 output for code scanning', async () => {
    const r = await cli(['validate', '--no-dataset-checks', '--output', 'sarif', 'bad.jsonl', 'warn.jsonl'], dir);
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'vertex-datasets');
    assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), ['mlUse.invalid', 'schema.unknownKey']);
    assert.deepEqual(run.results.map((x: { level: string }) => x.level), ['error', 'warning']);
    assert.deepEqual(run.results[0].locations[0].physicalLocation, {
      artifactLocation: { uri: 'bad.jsonl', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, startColumn: TRAIN_COL, endLine: 1, endColumn: TRAIN_COL + 7 },
    });
  });

  it('SARIF artifact URIs are URI references: spaces, # and non-ASCII percent-encoded; a file outside the folder as a file: URI', async () => {
    mkdirSync(join(dir, 'sub dir'), { recursive: true });
    writeFileSync(join(dir, 'sub dir', 'my data#1 é.jsonl'), BAD + '\n');
    const outside = mkdtempSync(join(tmpdir(), 'vd-sarif-'));
    try {
      writeFileSync(join(outside, 'far.jsonl'), BAD + '\n');
      const r = await cli(['validate', '--no-dataset-checks', '--output', 'sarif', join('sub dir', 'my data#1 é.jsonl'), join(outside, 'far.jsonl')], dir);
      const locations = JSON.parse(r.out).runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: object } }[] }) => x.locations[0].physicalLocation.artifactLocation);
      assert.deepEqual(locations, [
        { uri: 'sub%20dir/my%20data%231%20%C3%A9.jsonl', uriBaseId: '%SRCROOT%' },
        { uri: pathToFileURL(join(outside, 'far.jsonl')).href },
      ]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('--schema validates a custom dataset against the user schema', async () => {
    const ex = join(ROOT, 'examples', 'arr-coc-texture');
    const ok = await cli(['validate', '--schema', join(ex, 'dataset.schema.json'), join(ex, 'dataset.jsonl')]);
    assert.equal(ok.code, 0, ok.out + ok.err);
    const broken = join(dir, 'arr.jsonl');
    writeFileSync(
      broken,
      '{"imageGcsUri":"gs://arr-coc-training/images/1.jpg","textureArrayUri":"gs://arr-coc-training/textures/1_texture.npy","lodGroundTruthUri":"gs://arr-coc-training/lod/1_lod.npy","relevanceGroundTruthUri":"gs://arr-coc-training/relevance/1_relevance.npy","queryText":"q","textureChannels":12,"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"train"}}\n',
    );
    const r = await cli(['validate', '--output', 'json', '--schema', join(ex, 'dataset.schema.json'), broken]);
    assert.equal(r.code, 1);
    const ds = JSON.parse(r.out).files[0].diagnostics;
    assert.deepEqual(ds.map((d: { code: string }) => d.code), ['schema.invalid', 'mlUse.invalid']);
    assert.match(ds[0].message, /textureChannels.*constant/);
  });

  it('a schema beside the file makes it a custom dataset, so folders need no flags', async () => {
    const r = await cli(['validate', '--output', 'json', join(ROOT, 'examples', 'arr-coc-texture')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(JSON.parse(r.out).files[0].format, 'custom');
  });

  it('an invalid user schema is a usage error', async () => {
    writeFileSync(join(dir, 'broken.schema.json'), '{"type":"object","properties":{"a":{"type":"strng"}}}');
    const r = await cli(['validate', '--schema', 'broken.schema.json', 'good.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /JSON Schema is invalid/);
  });

  it('the bundled examples show real findings on the deliberately broken file only', async () => {
    const r = await cli(['validate', '--output', 'json', 'examples']);
    assert.equal(r.code, 1);
    const files = JSON.parse(r.out).files as { path: string; errors: number }[];
    const withErrors = files.filter((f) => f.errors > 0).map((f) => f.path);
    assert.ok(withErrors.length >= 1 && withErrors.every((p) => p.startsWith('examples/broken/')), withErrors.join(', '));
  });

  it('the bundled CLI (dist/cli.js) behaves the same as the in-process command', function () {
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) this.skip();
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'validate', '--no-dataset-checks', 'bad.jsonl'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.ok(r.stdout.startsWith(`bad.jsonl:1:${TRAIN_COL}: error mlUse.invalid`), r.stdout);
  });

  it('the bundled CLI loads the cloud commands from their own bundles when they run', function () {
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) this.skip();
    for (const command of ['import', 'train', 'label', 'version']) {
      assert.ok(existsSync(join(ROOT, 'dist', `cli-${command}.js`)), `dist/cli-${command}.js`);
      const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), command, '--help'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.startsWith(`Usage: vertex-datasets ${command}`), r.stdout);
    }
  });
});

describe('validate --max-problems: totals count every problem found', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-max-problems-'));
    const jsonl: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const mlUse = i % 3 === 0 ? 'TRAIN' : 'training';
      jsonl.push(JSON.stringify({ imageGcsUri: i % 5 === 0 ? `http://x/${i}.jpg` : `gs://bucket-a/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 4}` }, dataItemResourceLabels: { 'aiplatform.googleapis.com/ml_use': mlUse } }));
    }
    writeFileSync(join(dir, 'a.jsonl'), jsonl.join('\n') + '\n');
    const csv: string[] = [];
    for (let i = 0; i < 3000; i++) csv.push(`${i % 3 === 0 ? 'TRAIN' : 'training'},${i % 5 === 0 ? `http://x/${i}.jpg` : `gs://bucket-a/${i}.jpg`},l${i % 4}`);
    writeFileSync(join(dir, 'a.csv'), csv.join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const totals = (json: string) => (JSON.parse(json) as { files: { errors: number; warnings: number; diagnostics: { code: string }[] }[] }).files[0];

  for (const [name, extra] of [
    ['JSONL', ['a.jsonl']],
    ['JSONL, dataset checks off', ['a.jsonl', '--no-dataset-checks', '--format', 'image-classification-single-label']],
    ['CSV', ['a.csv']],
  ] as const) {
    it(`${name}: the same error and warning counts as without a limit, and a note of what is not listed`, async () => {
      const all = await cli(['validate', '--output', 'json', ...extra], dir);
      const capped = await cli(['validate', '--output', 'json', '--max-problems', '5', ...extra], dir);
      assert.equal(capped.code, all.code);
      const a = totals(all.out);
      const c = totals(capped.out);
      assert.ok(a.errors > 1000, `${a.errors} errors`);
      assert.deepEqual({ errors: c.errors, warnings: c.warnings }, { errors: a.errors, warnings: a.warnings });
      assert.ok(c.diagnostics.some((d) => d.code === 'report.truncated'));
      const text = await cli(['validate', '--max-problems', '5', ...extra], dir);
      assert.match(text.out, new RegExp(`1 file, 3,000 items: ${a.errors.toLocaleString('en-US')} errors, ${a.warnings.toLocaleString('en-US')} warnings?\\n$`));
    });
  }
});
