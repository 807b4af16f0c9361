import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main';

const ROOT = join(__dirname, '..', '..');
const ML = 'aiplatform.googleapis.com/ml_use';

const JSONL = Array.from({ length: 20 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://bucket/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 2}` } })).join('\n') + '\n';
// Line 2: a broken line, so the findings show where the lines are read from.
const BROKEN = JSONL.split('\n').map((l, i) => (i === 1 ? l.slice(0, -1) : l)).join('\n');
const CSV = 'gs://bucket/a.jpg,cat\ngs://bucket/b.jpg,dog\ngs://bucket/c.jpg,\n';

/** `vertex-datasets ARGS` in process with `input` as its standard input. */
async function cli(args: string[], cwd: string, input?: string | Readable) {
  let out = '';
  let err = '';
  const stdin = input === undefined ? undefined : typeof input === 'string' ? Readable.from([Buffer.from(input)]) : input;
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), cwd, stdin });
  return { code, out, err };
}

// The CLI's source run as a process in any folder (tsx is resolved from this repository, not the folder).
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const BIN = join(ROOT, 'src', 'cli', 'bin.ts');

/** The CLI as a process, fed through a real pipe. */
function spawnCli(args: string[], cwd: string, input: string) {
  return spawnSync(process.execPath, ['--import', TSX, BIN, ...args], { cwd, input, encoding: 'utf8' });
}

describe('piped input (-, /dev/stdin, named pipes)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-stdin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--stdin-name names what standard input holds: reports (text, SARIF, stats) show that path, and its extension picks CSV', async () => {
    writeFileSync(join(dir, 'data.jsonl'), BROKEN);
    const fromFile = await cli(['validate', 'data.jsonl'], dir);
    const named = await cli(['validate', '-', '--stdin-name', 'data.jsonl'], dir, BROKEN);
    assert.equal(named.code, 1);
    assert.equal(named.out, fromFile.out);
    const sarif = JSON.parse((await cli(['validate', '--output', 'sarif', '-', '--stdin-name', 'sub/data.jsonl'], dir, BROKEN)).out) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = new Set(sarif.runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.deepEqual([...uris], ['sub/data.jsonl']);
    // The name's extension decides how to read: a two-line JSON Lines file whose first line is
    // broken (not starting with {) would be read as CSV from its content alone.
    const firstBroken = 'imageGcsUri: "gs://bucket/x.jpg"\n' + JSONL.split('\n')[0] + '\n';
    writeFileSync(join(dir, 'first.jsonl'), firstBroken);
    const brokenFile = await cli(['validate', '--output', 'json', 'first.jsonl'], dir);
    const brokenNamed = await cli(['validate', '--output', 'json', '-', '--stdin-name', 'first.jsonl'], dir, firstBroken);
    assert.equal(brokenNamed.out, brokenFile.out);
    assert.notEqual((await cli(['validate', '--output', 'json', '-'], dir, firstBroken)).out.replaceAll('<stdin>', 'first.jsonl'), brokenFile.out);
    writeFileSync(join(dir, 'pets.csv'), CSV);
    const csvFile = await cli(['stats', '--output', 'json', 'pets.csv'], dir);
    const csvNamed = await cli(['stats', '--output', 'json', '-', '--stdin-name', 'pets.csv'], dir, CSV);
    assert.equal(csvNamed.code, 0, csvNamed.err);
    assert.equal(csvNamed.out, csvFile.out);
    // Without - among the files the option is a usage error, not silently ignored.
    const stray = await cli(['validate', 'data.jsonl', '--stdin-name', 'x.jsonl'], dir);
    assert.equal(stray.code, 2);
    assert.match(stray.err, /--stdin-name names standard input: give - among the files/);
  });

  it('validate - reads standard input and reports it as <stdin>, with the same findings as the file', async () => {
    writeFileSync(join(dir, 'data.jsonl'), BROKEN);
    const fromFile = await cli(['validate', 'data.jsonl'], dir);
    const piped = await cli(['validate', '-'], dir, BROKEN);
    assert.equal(piped.code, 1);
    assert.equal(piped.err, '');
    assert.equal(piped.out, fromFile.out.replaceAll('data.jsonl', '<stdin>'));
    assert.match(piped.out, /^<stdin>:2:\d+: error jsonl\.syntax/m);
    const json = JSON.parse((await cli(['validate', '--output', 'json', '-'], dir, BROKEN)).out);
    assert.equal(json.files[0].path, '<stdin>');
    assert.equal(json.files[0].items, 20);
  });

  it('validate /dev/stdin fed from a pipe validates the data piped in (was file.empty)', () => {
    const r = spawnCli(['validate', '/dev/stdin'], dir, JSONL);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '1 file, 20 items: 0 errors, 0 warnings\n');
    assert.equal(r.status, 0);
    const dash = spawnCli(['validate', '-'], dir, BROKEN);
    assert.match(dash.stdout, /^<stdin>:2:\d+: error jsonl\.syntax/m);
    assert.equal(dash.status, 1);
  });

  it('a process substitution (a pipe with no extension) is validated, CSV told from its content', function () {
    writeFileSync(join(dir, 'data.csv'), CSV);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" --import "${TSX}" "${BIN}" validate --format image-classification-multi-label <(cat data.csv)`], { cwd: dir, encoding: 'utf8' });
    const direct = spawnCli(['validate', '--format', 'image-classification-multi-label', 'data.csv'], dir, '');
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^\/dev\/fd\/\d+:/m);
    assert.equal(r.stdout.replace(/\/dev\/fd\/\d+/g, 'data.csv'), direct.stdout);
  });

  it('JSON Lines whose first line is broken is read as JSON Lines when most of its first lines open a JSON object; CSV with a few such rows stays CSV', async () => {
    const firstBroken = 'imageGcsUri: "gs://bucket/x.jpg"\n' + JSONL;
    writeFileSync(join(dir, 'first.jsonl'), firstBroken);
    const fromFile = await cli(['validate', 'first.jsonl'], dir);
    const piped = await cli(['validate', '-'], dir, firstBroken);
    assert.equal(piped.out, fromFile.out.replaceAll('first.jsonl', '<stdin>'));
    assert.match(piped.out, /^<stdin>:1:1: error jsonl\.syntax/m);
    assert.doesNotMatch(piped.out, /csv\./);
    // Inline-text CSV rows may start with { or [: a minority of them does not make the file JSON Lines.
    const texts = ['great film,positive', '{spoiler} awful ending,negative', 'fine,positive', '[sic] bad,negative', 'loved it,positive'];
    const csv = Array.from({ length: 4 }, () => texts.join('\n')).join('\n') + '\n';
    writeFileSync(join(dir, 'reviews.csv'), csv);
    const csvFile = await cli(['validate', '--output', 'json', 'reviews.csv'], dir);
    const csvPiped = await cli(['validate', '--output', 'json', '-'], dir, csv);
    assert.equal(csvPiped.out, csvFile.out.replaceAll('reviews.csv', '<stdin>'));
  });

  it('CSV on standard input is read as CSV (no extension to go by)', async () => {
    writeFileSync(join(dir, 'data.csv'), CSV);
    const fromFile = await cli(['validate', 'data.csv'], dir);
    const piped = await cli(['validate', '-'], dir, CSV);
    assert.equal(piped.out, fromFile.out.replaceAll('data.csv', '<stdin>'));
    assert.match(piped.out, /1 file, 3 items/);
  });

  it('an empty pipe is an empty file; a terminal on standard input is refused with a hint, not waited on', async () => {
    const empty = await cli(['validate', '-'], dir, '');
    assert.equal(empty.code, 1);
    assert.match(empty.out, /^<stdin>:1:1: error file\.empty/);
    const tty = Object.assign(Readable.from([]), { isTTY: true });
    const r = await cli(['validate', '-'], dir, tty);
    assert.equal(r.code, 2);
    assert.match(r.err, /^vertex-datasets validate: - reads standard input, which is a terminal: pipe the file in/);
  });

  it('stats - prints the statistics of the piped data', async () => {
    writeFileSync(join(dir, 'data.jsonl'), JSONL);
    const fromFile = await cli(['stats', 'data.jsonl'], dir);
    const piped = await cli(['stats', '-'], dir, JSONL);
    assert.equal(piped.code, 0, piped.err);
    assert.equal(piped.out, fromFile.out.replaceAll('data.jsonl', '<stdin>'));
    assert.match(piped.out, /items 20 \(20 labeled\)/);
  });

  it('split - writes to --out; --in-place is refused (piped input is no file to replace); temp copies are removed', async () => {
    writeFileSync(join(dir, 'data.jsonl'), JSONL);
    assert.equal((await cli(['split', 'data.jsonl', '--strategy', 'stratified', '--out', 'a.jsonl'], dir)).code, 0);
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('vertex-datasets-')).length;
    const r = await cli(['split', '-', '--strategy', 'stratified', '--out', 'b.jsonl'], dir, JSONL);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote b\.jsonl/);
    assert.equal(readFileSync(join(dir, 'b.jsonl'), 'utf8'), readFileSync(join(dir, 'a.jsonl'), 'utf8'));
    assert.ok(readFileSync(join(dir, 'b.jsonl'), 'utf8').includes(ML));
    assert.equal(readdirSync(tmpdir()).filter((f) => f.startsWith('vertex-datasets-')).length, before);
    const json = JSON.parse((await cli(['split', '-', '--output', 'json'], dir, JSONL)).out);
    assert.equal(json.file, '<stdin>');
    const inPlace = await cli(['split', '-', '--in-place'], dir, JSONL);
    assert.equal(inPlace.code, 2);
    assert.match(inPlace.err, /--in-place replaces a file, and <stdin> is piped input: give --out PATH/);
    const devStdin = await cli(['split', '/dev/stdin', '--in-place'], dir, JSONL);
    assert.equal(devStdin.code, 2);
    assert.ok(!existsSync(join(dir, 'stdin')));
  });
});
