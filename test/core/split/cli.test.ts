import { strict as assert } from 'node:assert';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../src/cli/io';
import { run } from '../../../src/cli/commands/split';
import { splitFile } from '../../../src/core/split';

const ML = 'aiplatform.googleapis.com/ml_use';

describe('vertex-datasets split (CLI)', () => {
  let dir: string;
  let out: string;
  let err: string;
  let io: CliIo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'split-cli-'));
    out = '';
    err = '';
    io = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function jsonl(n: number, extra: (i: number) => object = () => ({}), labels = 3, bucket = 'b'): string {
    const lines = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ imageGcsUri: `gs://${bucket}/${i}.jpg`, classificationAnnotation: { displayName: `l${i % labels}` }, ...extra(i) }));
    return lines.join('\n') + '\n';
  }

  it('dry run by default: prints the report, writes nothing', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(100));
    const before = readFileSync(join(dir, 'a.jsonl'));
    assert.equal(await run(['a.jsonl', '--strategy', 'stratified', '--seed', '3'], io), 0);
    assert.match(out, /training\s+80\s+80\.0%\s+80\.0%/);
    assert.match(out, /every split holds exactly its requested share/);
    assert.match(out, /^l0\s+27\s+4\s+3$/m);
    assert.match(out, /nothing written \(dry run\)/);
    assert.ok(readFileSync(join(dir, 'a.jsonl')).equals(before));
    assert.deepEqual(readdirSync(dir), ['a.jsonl']);
  });

  it('--in-place replaces the file through a temp file and leaves nothing else behind', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(50));
    assert.equal(await run(['a.jsonl', '--in-place', '--fractions', '70,20,10'], io), 0, err);
    const lines = readFileSync(join(dir, 'a.jsonl'), 'utf8').trim().split('\n');
    const counts = { training: 0, validation: 0, test: 0 } as Record<string, number>;
    for (const l of lines) counts[JSON.parse(l).dataItemResourceLabels[ML]]++;
    assert.deepEqual(counts, { training: 35, validation: 10, test: 5 });
    assert.deepEqual(readdirSync(dir), ['a.jsonl']);
    assert.match(out, /wrote a\.jsonl/);
  });

  it('--out with --output json gives the report as data; the same seed gives the same bytes', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(40));
    assert.equal(await run(['a.jsonl', '--out', 'b.jsonl', '--seed', '9', '--output', 'json'], io), 0, err);
    const report = JSON.parse(out);
    assert.deepEqual(report.written, ['b.jsonl']);
    assert.deepEqual(report.report.counts, [32, 4, 4]);
    assert.equal(report.report.buckets.length, 3);
    out = '';
    assert.equal(await run(['a.jsonl', '--out', 'c.jsonl', '--seed', '9', '--output', 'json'], io), 0);
    assert.ok(readFileSync(join(dir, 'b.jsonl')).equals(readFileSync(join(dir, 'c.jsonl'))));
    out = '';
    assert.equal(await run(['a.jsonl', '--out', 'd.jsonl', '--seed', '10', '--output', 'json'], io), 0);
    assert.ok(!readFileSync(join(dir, 'b.jsonl')).equals(readFileSync(join(dir, 'd.jsonl'))));
  });

  it('k-fold on JSONL writes one file per fold, each item held out as test exactly once', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(30));
    assert.equal(await run(['a.jsonl', '--strategy', 'stratified-kfold', '--k', '3', '--out', 'cv.jsonl'], io), 0, err);
    assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl', 'cv.fold1.jsonl', 'cv.fold2.jsonl', 'cv.fold3.jsonl']);
    const folds = [1, 2, 3].map((f) => readFileSync(join(dir, `cv.fold${f}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l).dataItemResourceLabels[ML]));
    for (let i = 0; i < 30; i++) assert.equal(folds.filter((f) => f[i] === 'test').length, 1);
    for (const f of folds) assert.equal(f.filter((u) => u === 'test').length, 10);
    assert.equal(await run(['a.jsonl', '--strategy', 'kfold', '--in-place'], io), 2);
    assert.match(err, /give --out PATH/);
  });

  it('k-fold with more folds than items: exit 2 naming both numbers and what to do, nothing written; as many folds as items still splits', async () => {
    writeFileSync(join(dir, 'a.jsonl'), jsonl(30));
    const tabular = 'id,label\n' + Array.from({ length: 30 }, (_, i) => `${i},l${i % 3}\n`).join('');
    writeFileSync(join(dir, 't.csv'), tabular);
    const refusal = '40 folds need at least 40 data items (one to test on in each fold), but the file has 30 data items: use --k 30 or fewer, or add data';
    for (const args of [
      ['a.jsonl', '--strategy', 'kfold', '--k', '40', '--out', 'cv.jsonl'],
      ['a.jsonl', '--strategy', 'stratified-kfold', '--k', '40', '--out', 'cv.jsonl'],
      ['t.csv', '--strategy', 'kfold', '--k', '40', '--out', 'cv.csv'],
      ['t.csv', '--strategy', 'stratified-kfold', '--by', 'label', '--k', '40', '--out', 'cv.csv'],
      ['a.jsonl', '--strategy', 'kfold', '--k', '40'],
    ]) {
      err = '';
      out = '';
      assert.equal(await run(args, io), 2, args.join(' '));
      assert.equal(err, `vertex-datasets split: ${refusal}\n`);
      assert.equal(out, '');
      assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl', 't.csv']);
    }
    err = '';
    assert.equal(await run(['a.jsonl', '--strategy', 'kfold', '--k', '31'], io), 2);
    assert.match(err, /31 folds need at least 31 data items .* but the file has 30 data items: use --k 30 or fewer, or add data/);
    assert.equal(await run(['a.jsonl', '--strategy', 'kfold', '--k', '30', '--out', 'cv.jsonl'], io), 0, err);
    for (let f = 1; f <= 30; f++) {
      const uses = readFileSync(join(dir, `cv.fold${f}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l).dataItemResourceLabels[ML]);
      assert.equal(uses.filter((u) => u === 'test').length, 1);
    }
  });

  it('temporal by cut-off dates on a tabular CSV', async () => {
    writeFileSync(join(dir, 't.csv'), 'id,when\n1,2023-12-31\n2,2024-01-01T00:00:00Z\n3,2024-03-01\n4,2024-06-01\n5,1719792000\n');
    assert.equal(await run(['t.csv', '--strategy', 'temporal', '--time-field', 'when', '--cutoffs', '2024-01-01,2024-05-01', '--in-place'], io), 0, err);
    assert.equal(readFileSync(join(dir, 't.csv'), 'utf8'), 'id,when,ml_use\n1,2023-12-31,training\n2,2024-01-01T00:00:00Z,validation\n3,2024-03-01,validation\n4,2024-06-01,test\n5,1719792000,test\n');
  });

  it('temporal with an unreadable timestamp fails (exit 1) and names the record', async () => {
    writeFileSync(join(dir, 't.csv'), 'id,when\n1,2024-01-01\n2,yesterday\n');
    assert.equal(await run(['t.csv', '--strategy', 'temporal', '--time-field', 'when', '--in-place'], io), 1);
    assert.match(err, /1 item has no readable timestamp in 'when' \(first: record 3\)/);
    assert.equal(readFileSync(join(dir, 't.csv'), 'utf8'), 'id,when\n1,2024-01-01\n2,yesterday\n');
  });

  it('group by a tabular column keeps equal values together', async () => {
    const rows = ['id,user'];
    for (let i = 0; i < 200; i++) rows.push(`${i},u${i % 17}`);
    writeFileSync(join(dir, 'g.csv'), rows.join('\n') + '\n');
    assert.equal(await run(['g.csv', '--strategy', 'group', '--by', 'user', '--out', 'o.csv'], io), 0, err);
    const byUser = new Map<string, Set<string>>();
    for (const line of readFileSync(join(dir, 'o.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [, user, use] = line.split(',');
      if (!byUser.has(user)) byUser.set(user, new Set());
      byUser.get(user)!.add(use);
    }
    assert.equal(byUser.size, 17);
    for (const s of byUser.values()) assert.equal(s.size, 1);
  });

  const usage: [string, string[], RegExp][] = [
    ['no file', [], /expected exactly one FILE/],
    ['unknown strategy', ['a.jsonl', '--strategy', 'shuffle'], /unknown strategy 'shuffle'/],
    ['both outputs', ['a.jsonl', '--out', 'x', '--in-place'], /either --out PATH or --in-place/],
    ['fractions not adding up', ['a.jsonl', '--fractions', '0.5,0.1,0.1'], /add up to 0\.7/],
    ['two fractions for an image file', ['a.jsonl', '--fractions', '0.8,0.2'], /expected 3 fractions/],
    ['temporal without a field', ['a.jsonl', '--strategy', 'temporal'], /needs --time-field/],
    ['bad cut-off', ['a.jsonl', '--strategy', 'temporal', '--time-field', 'x', '--cutoffs', 'soon,later'], /cut-off 'soon' is not a date/],
    ['bad seed', ['a.jsonl', '--seed', 'abc'], /--seed must be an integer/],
    ['bad k', ['a.jsonl', '--strategy', 'kfold', '--k', '1'], /--k must be an integer from 2 to 100/],
    ['missing file', ['nope.jsonl'], /cannot read .*nope\.jsonl/],
    ['unknown format', ['a.jsonl', '--format', 'pictures'], /unknown format 'pictures'/],
    ['unknown option', ['a.jsonl', '--frobnicate'], /Unknown option '--frobnicate'/],
  ];
  for (const [name, args, message] of usage) {
    it(`exit 2 on a usage problem: ${name}`, async () => {
      writeFileSync(join(dir, 'a.jsonl'), jsonl(10));
      assert.equal(await run(args, io), 2);
      assert.match(err, message);
    });
  }

  it('--help prints the options', async () => {
    assert.equal(await run(['--help'], io), 0);
    assert.match(out, /--strategy NAME/);
  });

  it('a cancelled split leaves the original untouched and no temp file behind', async () => {
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, jsonl(20000));
    const before = readFileSync(file);
    const ac = new AbortController();
    await assert.rejects(
      splitFile(file, { strategy: 'random', chunkSize: 4096, signal: ac.signal, onProgress: (pass, bytes) => pass === 2 && bytes > 100000 && ac.abort() }, 'in-place'),
      (e: Error) => e.name === 'AbortError',
    );
    assert.ok(readFileSync(file).equals(before));
    assert.deepEqual(readdirSync(dir), ['big.jsonl']);
  });

  // What a user runs into at the edges of `vertex-datasets split`: odd destinations, options that
  // name nothing in the file, more folds than items.
  describe('at the edges', () => {
    // Two labels, bucket "bkt": the files these tests were written against.
    const edgeJsonl = (n: number, extra?: (i: number) => object) => jsonl(n, extra, 2, 'bkt');

    it('temporal: an impossible date (2023-02-29) is an unreadable timestamp, not the next day', async () => {
      writeFileSync(join(dir, 't.csv'), 'id,ts,label\n1,2023-02-27,a\n2,2023-02-29,b\n3,2023-03-02,a\n4,2023-03-03,b\n');
      assert.equal(await run(['t.csv', '--strategy', 'temporal', '--time-field', 'ts'], io), 1);
      assert.match(err, /1 item has no readable timestamp in 'ts' \(first: record 3\)/);
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(4, (i) => ({ ts: i === 1 ? '2024-04-31T10:00:00Z' : `2024-04-0${i + 1}` })));
      err = '';
      assert.equal(await run(['a.jsonl', '--strategy', 'temporal', '--time-field', 'ts'], io), 1);
      assert.match(err, /1 item has no readable timestamp in 'ts'/);
    });

    it('--in-place through a symbolic link writes the file it points to and keeps the link', async () => {
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'real.jsonl'), edgeJsonl(10));
      symlinkSync(join('data', 'real.jsonl'), join(dir, 'link.jsonl'));
      assert.equal(await run(['link.jsonl', '--in-place', '--seed', '4'], io), 0, err);
      assert.ok(lstatSync(join(dir, 'link.jsonl')).isSymbolicLink());
      const written = readFileSync(join(dir, 'data', 'real.jsonl'), 'utf8').trim().split('\n');
      assert.equal(written.length, 10);
      for (const l of written) assert.match(l, /"aiplatform\.googleapis\.com\/ml_use":"(training|validation|test)"/);
      assert.deepEqual(readdirSync(join(dir, 'data')), ['real.jsonl']);
      assert.deepEqual(readdirSync(dir).sort(), ['data', 'link.jsonl']);
    });

    it('--out naming a folder: exit 2 saying so, the folder and the input untouched, no temp file left', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(10));
      mkdirSync(join(dir, 'results'));
      assert.equal(await run(['a.jsonl', '--out', 'results'], io), 2);
      assert.match(err, /^vertex-datasets split: cannot write \S*results: it is a folder; give a file path/);
      assert.deepEqual(readdirSync(dir).sort(), ['a.jsonl', 'results']);
      assert.deepEqual(readdirSync(join(dir, 'results')), []);
      assert.equal(readFileSync(join(dir, 'a.jsonl'), 'utf8'), edgeJsonl(10));
    });

    it('--out into a folder that does not exist: exit 2 naming the folder, not a temp file', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(10));
      assert.equal(await run(['a.jsonl', '--out', join('nope', 'b.jsonl')], io), 2);
      assert.match(err, /cannot write \S*nope\/b\.jsonl: the folder \S*nope does not exist/);
      assert.doesNotMatch(err, /\.tmp/);
    });
    it('group --by a JSONL field no item has: exit 2 naming the field, nothing written', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(10, (i) => ({ meta: { user: `u${i % 3}` } })));
      assert.equal(await run(['a.jsonl', '--strategy', 'group', '--by', 'user', '--out', 'b.jsonl'], io), 2);
      assert.match(err, /no item has a value at 'user' \(the group key of --by\)/);
      assert.deepEqual(readdirSync(dir), ['a.jsonl']);
    });

    it('group --by a JSONL field some items lack: those items are their own groups, and a note says how many', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(20, (i) => (i % 4 === 3 ? {} : { meta: { user: `u${i % 3}` } })));
      assert.equal(await run(['a.jsonl', '--strategy', 'group', '--by', 'meta.user', '--out', 'b.jsonl', '--output', 'json'], io), 0, err);
      const report = JSON.parse(out).report as { notes: { message: string; count: number; firstRecord: number }[] };
      assert.deepEqual(report.notes, [{ message: "no value at 'meta.user' (the group key): the item is placed as if --by were not given", count: 5, firstRecord: 4 }]);
      const splitOf = new Map<string, Set<string>>();
      for (const line of readFileSync(join(dir, 'b.jsonl'), 'utf8').trim().split('\n')) {
        const o = JSON.parse(line) as { meta?: { user: string }; dataItemResourceLabels: Record<string, string> };
        if (!o.meta) continue;
        const set = splitOf.get(o.meta.user) ?? new Set<string>();
        set.add(o.dataItemResourceLabels['aiplatform.googleapis.com/ml_use']);
        splitOf.set(o.meta.user, set);
      }
      for (const [user, set] of splitOf) assert.equal(set.size, 1, `${user} straddles splits`);
    });

    it('--by on an image/text/video CSV (no header, no named columns) is a usage error, not silently ignored', async () => {
      writeFileSync(join(dir, 'a.csv'), Array.from({ length: 10 }, (_, i) => `gs://bkt/${i}.jpg,l${i % 2}`).join('\n') + '\n');
      for (const strategy of ['group', 'stratified']) {
        err = '';
        assert.equal(await run(['a.csv', '--strategy', strategy, '--by', 'user'], io), 2);
        assert.match(err, /--by names a column, but an image\/text\/video CSV has no header/);
      }
    });
    it('a seed beyond the exactly representable integers is a usage error, not silently another seed', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(10));
      assert.equal(await run(['a.jsonl', '--seed', '9007199254740993'], io), 2);
      assert.match(err, /--seed must be an integer from -9007199254740991 to 9007199254740991, got '9007199254740993'/);
      out = '';
      assert.equal(await run(['a.jsonl', '--seed', '9007199254740991'], io), 0, err);
      assert.match(out, /^strategy random, seed 9007199254740991,/);
    });
    it('an image CSV with a header row is not taken for a tabular CSV (which would gain an ml_use column): exit 2, nothing written', async () => {
      const rows = Array.from({ length: 12 }, (_, i) => `gs://bkt/${i}.jpg,l${i % 2}`);
      writeFileSync(join(dir, 'images.csv'), ['image,label', ...rows].join('\n') + '\n');
      assert.equal(await run(['images.csv', '--out', 'o.csv'], io), 2);
      assert.match(err, /the first row of images\.csv has no gs:\/\/ path but row 2 has one/);
      assert.match(err, /--format tabular/);
      assert.deepEqual(readdirSync(dir), ['images.csv']);
      // Named as tabular, the same file is split as one (the user said so).
      err = '';
      assert.equal(await run(['images.csv', '--format', 'tabular', '--out', 'o.csv'], io), 0, err);
      assert.equal(readFileSync(join(dir, 'o.csv'), 'utf8').split('\n')[0], 'image,label,ml_use');
      // A tabular CSV with paths in a later column stays tabular.
      writeFileSync(join(dir, 't.csv'), ['id,price,photo', ...Array.from({ length: 5 }, (_, i) => `${i},${i}.5,gs://bkt/${i}.jpg`)].join('\n') + '\n');
      err = '';
      assert.equal(await run(['t.csv', '--out', 'o2.csv'], io), 0, err);
      assert.equal(readFileSync(join(dir, 'o2.csv'), 'utf8').split('\n')[0], 'id,price,photo,ml_use');
    });
    it('an inline-text CSV (text classification, sentiment) is split as validate reads it: ml_use as the first column, no header invented', async () => {
      const texts = Array.from({ length: 10 }, (_, i) => `"review number ${i}, in words",${i % 2 ? 'pos' : 'neg'}`);
      writeFileSync(join(dir, 'reviews.csv'), texts.join('\n') + '\n');
      assert.equal(await run(['reviews.csv', '--out', 'o.csv', '--seed', '1'], io), 0, err);
      assert.match(out, /format text-classification-single-label/);
      let lines = readFileSync(join(dir, 'o.csv'), 'utf8').trim().split('\n');
      assert.equal(lines.length, 10);
      lines.forEach((l, i) => {
        assert.match(l, /^(training|validation|test),/, l);
        assert.equal(l.slice(l.indexOf(',') + 1), texts[i]);
      });
      writeFileSync(join(dir, 'sentiment.csv'), Array.from({ length: 10 }, (_, i) => `text ${i},${i % 3},2`).join('\n') + '\n');
      out = '';
      assert.equal(await run(['sentiment.csv', '--out', 's.csv'], io), 0, err);
      assert.match(out, /format text-sentiment/);
      lines = readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n');
      lines.forEach((l, i) => assert.equal(l.slice(l.indexOf(',') + 1), `text ${i},${i % 3},2`));
      // Texts with line breaks inside their quotes.
      writeFileSync(join(dir, 'multiline.csv'), Array.from({ length: 6 }, (_, i) => `"first line ${i}\nsecond line",${i % 2 ? 'pos' : 'neg'}`).join('\n') + '\n');
      out = '';
      assert.equal(await run(['multiline.csv', '--out', 'm.csv'], io), 0, err);
      assert.match(out, /format text-classification-single-label/);
      assert.match(readFileSync(join(dir, 'm.csv'), 'utf8'), /^(training|validation|test),"first line 0\nsecond line",neg\n/);
      // A tabular source with a header is still tabular.
      writeFileSync(join(dir, 'tab.csv'), 'id,price,label\n' + Array.from({ length: 5 }, (_, i) => `${i},${i}.5,l${i % 2}`).join('\n') + '\n');
      out = '';
      assert.equal(await run(['tab.csv', '--out', 't.csv'], io), 0, err);
      assert.equal(readFileSync(join(dir, 't.csv'), 'utf8').split('\n')[0], 'id,price,label,ml_use');
    });
    it('a JSONL file whose first line is longer than the head read for detection: the report does not claim "no line has imageGcsUri"', async () => {
      const line = (i: number) => JSON.stringify({ textContent: `${'long text '.repeat(8000)}${i}`, classificationAnnotation: { displayName: `l${i % 2}` } });
      writeFileSync(join(dir, 'long.jsonl'), [0, 1, 2].map(line).join('\n') + '\n');
      assert.equal(await run(['long.jsonl'], io), 0, err);
      assert.match(out, /^strategy random, seed 0, format text-classification-single-label \(the first non-blank line read does not parse as JSON; guessed from the key names written in it\)/);
      assert.match(out, /^3 items in 3 records$/m);
    });
    it('the text report escapes control characters in label names instead of printing them raw', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(4).replace(/"l1"/g, '"x\\u001b[31mred\\nline"'));
      assert.equal(await run(['a.jsonl'], io), 0, err);
      assert.doesNotMatch(out, /\u001b/);
      assert.match(out, /^"x\\u001b\[31mred\\nline"\s+\d+\s+\d+\s+\d+$/m);
      assert.match(out, /^l0\s+\d+\s+\d+\s+\d+$/m);
    });
    it('a file with no data items says why when its lines could not be read (e.g. CSV rows in a .jsonl file)', async () => {
      writeFileSync(join(dir, 'rows.jsonl'), Array.from({ length: 5 }, (_, i) => `gs://bkt/${i}.jpg,cat`).join('\n') + '\n');
      assert.equal(await run(['rows.jsonl', '--out', 'o.jsonl'], io), 1);
      assert.match(err, /^vertex-datasets split: the file has no data items to split: line is not valid JSON; it was left unchanged \(run `vertex-datasets validate` to see why\) \(5 records, first: record 1\)\n$/);
      writeFileSync(join(dir, 'empty.jsonl'), '\n\n');
      err = '';
      assert.equal(await run(['empty.jsonl'], io), 1);
      assert.equal(err, 'vertex-datasets split: the file has no data items to split\n');
    });
    it('binary data (NUL bytes, e.g. a gzip or UTF-16 file) is refused before anything is written, with or without --format', async () => {
      const utf16 = Buffer.from('\ufeffgs://bkt/a.jpg,cat\r\ngs://bkt/b.jpg,dog\r\n', 'utf16le');
      writeFileSync(join(dir, 'utf16.csv'), utf16);
      for (const args of [['utf16.csv', '--in-place'], ['utf16.csv', '--format', 'image-classification-single-label', '--in-place']]) {
        err = '';
        assert.equal(await run(args, io), 2, args.join(' '));
        assert.match(err, /utf16\.csv: This file is UTF-16 \(little-endian\) text, not UTF-8/);
        assert.ok(readFileSync(join(dir, 'utf16.csv')).equals(utf16));
      }
      // A gzip file named .jsonl, refused as validate refuses it; one stray NUL inside a JSONL line is only an invalid line.
      const gz = gzipSync(Buffer.from(edgeJsonl(50)));
      writeFileSync(join(dir, 'gz.jsonl'), gz);
      err = '';
      assert.equal(await run(['gz.jsonl', '--in-place'], io), 2);
      assert.match(err, /gz\.jsonl: This is a gzip-compressed file, not a JSON Lines import file/);
      assert.ok(readFileSync(join(dir, 'gz.jsonl')).equals(gz));
      writeFileSync(join(dir, 'nul.jsonl'), edgeJsonl(3) + '{"imageGcsUri":"gs://bkt/x\u0000.jpg"}\n');
      err = '';
      assert.equal(await run(['nul.jsonl', '--out', 'nul.o.jsonl'], io), 0, err);
      assert.match(out, /note: line is not valid JSON/);
    });
    it('an option the chosen strategy does not use is a usage error, not silently ignored (e.g. --cutoffs without --strategy temporal)', async () => {
      writeFileSync(join(dir, 'a.jsonl'), edgeJsonl(10, (i) => ({ ts: `2024-01-${String(i + 1).padStart(2, '0')}`, user: `u${i % 3}` })));
      const cases: [string[], RegExp][] = [
        [['--cutoffs', '2024-01-05,2024-01-08'], /--cutoffs applies to --strategy temporal only \(the strategy is random\)/],
        [['--time-field', 'ts'], /--time-field applies to --strategy temporal only/],
        [['--k', '3'], /--k applies to --strategy kfold or stratified-kfold only/],
        [['--strategy', 'stratified', '--fold-column', 'f'], /--fold-column applies to --strategy kfold or stratified-kfold only \(the strategy is stratified\)/],
        [['--strategy', 'kfold', '--fractions', '0.5,0.25,0.25'], /--fractions does not apply to --strategy kfold/],
        [['--strategy', 'kfold', '--split-column', 's'], /--split-column does not apply to --strategy kfold/],
        [['--strategy', 'temporal', '--time-field', 'ts', '--by', 'user'], /--by applies to --strategy group, stratified or stratified-kfold only/],
        [['--strategy', 'temporal', '--time-field', 'ts', '--cutoffs', '2024-01-05,2024-01-08', '--fractions', '0.5,0.25,0.25'], /give either --fractions or --cutoffs/],
      ];
      for (const [args, message] of cases) {
        err = '';
        assert.equal(await run(['a.jsonl', ...args, '--out', 'o.jsonl'], io), 2, args.join(' '));
        assert.match(err, message, args.join(' '));
      }
      assert.deepEqual(readdirSync(dir), ['a.jsonl']);
      // The same options with their strategy work.
      assert.equal(await run(['a.jsonl', '--strategy', 'temporal', '--time-field', 'ts', '--cutoffs', '2024-01-05,2024-01-08'], io), 0, err);
      assert.equal(await run(['a.jsonl', '--strategy', 'stratified-kfold', '--k', '3', '--fold-column', 'f'], io), 0, err);
      assert.equal(await run(['a.jsonl', '--strategy', 'group', '--by', 'user', '--fractions', '0.6,0.2,0.2'], io), 0, err);
    });
    it('--format naming a format without a CSV layout (entity extraction, segmentation, custom) is refused for a CSV, as validate refuses it', async () => {
      writeFileSync(join(dir, 'a.csv'), 'some text,pos\nother text,neg\n');
      for (const format of ['text-extraction', 'image-segmentation', 'custom']) {
        err = '';
        assert.equal(await run(['a.csv', '--format', format, '--out', 'o.csv'], io), 2, format);
        assert.match(err, new RegExp(`format '${format}' has no CSV import layout`));
      }
      assert.deepEqual(readdirSync(dir), ['a.csv']);
    });
    it('a write that fails midway (here: the file size limit) names the file, keeps the original and leaves no temp file', function () {
      if (process.platform === 'win32') this.skip();
      const text = edgeJsonl(600);
      writeFileSync(join(dir, 'a.jsonl'), text);
      // ulimit -f counts 512-byte blocks: 16 KB, less than the rewritten file; SIGXFSZ ignored, so the write fails with EFBIG.
      const root = join(__dirname, '..', '..', '..');
      const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
      const bin = join(root, 'src', 'cli', 'bin.ts');
      const r = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 32; exec "$0" --import "$1" "$2" split a.jsonl --in-place`, process.execPath, tsx, bin], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^vertex-datasets split: cannot write (\S*\/)?a\.jsonl: EFBIG: file too large, write; (\S*\/)?a\.jsonl is unchanged\n$/);
      assert.equal(readFileSync(join(dir, 'a.jsonl'), 'utf8'), text);
      assert.deepEqual(readdirSync(dir), ['a.jsonl']);
    });
    it('report notes quoting a value from the file escape its control characters', async () => {
      writeFileSync(join(dir, 'a.csv'), 'id,x,ml_use\n1,2,te\u001b[2Jst\n3,4,test\n');
      assert.equal(await run(['a.csv'], io), 0, err);
      assert.doesNotMatch(out, /\u001b/);
      assert.match(out, /note: split column value 'te\\u001b\[2Jst' is not valid; the split replaced it/);
    });
    it('an image CSV row whose ml_use is misspelled (tst) keeps its columns: the value is replaced, not pushed right by a new column', async () => {
      writeFileSync(join(dir, 'typo.csv'), 'tst,gs://bkt/a.jpg,cat\ngs://bkt/b.jpg,dog\nTRAIN,gs://bkt/c.jpg,cat\n');
      assert.equal(await run(['typo.csv', '--strategy', 'manual', '--out', 'o.csv'], io), 0, err);
      assert.match(out, /note: ml_use value 'tst' is not valid for this format; the split replaced it \(1 record, first: record 1\)/);
      assert.doesNotMatch(out, /^gs:\/\/bkt\/a\.jpg\s/m, 'the path is no label');
      const rows = readFileSync(join(dir, 'o.csv'), 'utf8').trim().split('\n');
      assert.deepEqual(rows.map((r) => r.slice(r.indexOf(',') + 1)), ['gs://bkt/a.jpg,cat', 'gs://bkt/b.jpg,dog', 'gs://bkt/c.jpg,cat']);
      assert.equal(rows[2], 'training,gs://bkt/c.jpg,cat');
    });
  });
});

describe('vertex-datasets split --per-split', () => {
  let dir: string;
  let err = '';
  let io: CliIo;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'split-per-'));
    err = '';
    io = { out: () => undefined, err: (t) => void (err += t), cwd: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one tabular file per split, each with the header and the new column', async () => {
    const rows = ['id,v'];
    for (let i = 0; i < 20; i++) rows.push(`${i},x${i}`);
    writeFileSync(join(dir, 't.csv'), rows.join('\n') + '\n');
    assert.equal(await run(['t.csv', '--out', 'parts.csv', '--per-split', '--fractions', '0.5,0.25,0.25'], io), 0, err);
    assert.deepEqual(readdirSync(dir).sort(), ['parts.test.csv', 'parts.training.csv', 'parts.validation.csv', 't.csv']);
    const seen: string[] = [];
    for (const [split, n] of [['training', 10], ['validation', 5], ['test', 5]] as const) {
      const lines = readFileSync(join(dir, `parts.${split}.csv`), 'utf8').trim().split('\n');
      assert.equal(lines[0], 'id,v,ml_use');
      assert.equal(lines.length - 1, n);
      for (const l of lines.slice(1)) {
        assert.ok(l.endsWith(`,${split}`), l);
        seen.push(l.split(',')[0]);
      }
    }
    assert.deepEqual(seen.map(Number).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  });

  it('needs --out and refuses k-fold', async () => {
    writeFileSync(join(dir, 'a.jsonl'), '{"imageGcsUri":"gs://b/1.jpg"}\n');
    assert.equal(await run(['a.jsonl', '--per-split'], io), 2);
    assert.match(err, /--per-split needs --out PATH/);
    assert.equal(await run(['a.jsonl', '--per-split', '--out', 'x.jsonl', '--strategy', 'kfold'], io), 2);
    assert.match(err, /does not apply to k-fold/);
  });

});
