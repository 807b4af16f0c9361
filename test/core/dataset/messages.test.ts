import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

// Messages the user reads: counts in the right number, figures that do not contradict the threshold.

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  const code = await main(args, io);
  return { code, out, err };
}

interface JsonDiag {
  line: number;
  code: string;
  message: string;
}

function diags(out: string): JsonDiag[] {
  return (JSON.parse(out) as { files: { diagnostics: JsonDiag[] }[] }).files.flatMap((f) => f.diagnostics);
}

describe('dataset messages (real files through the CLI)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vd-messages-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stats: one error, one warning and one item are singular', async () => {
    const lines: object[] = [];
    for (const label of ['cat', 'dog']) for (let i = 0; i < 10; i++) lines.push({ imageGcsUri: `gs://bkt/${label}${i}.jpg`, classificationAnnotation: { displayName: label } });
    lines.push(lines[0]); // an identical repeat: one warning
    lines.push({ imageGcsUri: 'gs://bkt/cat1.jpg', classificationAnnotation: { displayName: 'dog' } }); // a conflict: one error
    writeFileSync(join(dir, 'one.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const v = await cli(['validate', '--output', 'json', 'one.jsonl'], dir);
    assert.deepEqual(diags(v.out).map((d) => d.code), ['duplicate.repeat', 'duplicate.conflict']);
    let r = await cli(['stats', 'one.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /problems: 1 error, 1 warning \(run/);
    const sentiment = [
      { textContent: 'a', sentimentAnnotation: { sentiment: 0, sentimentMax: 1 } },
      { textContent: 'b', sentimentAnnotation: { sentiment: 1, sentimentMax: 2 } },
      { textContent: 'c', sentimentAnnotation: { sentiment: 1, sentimentMax: 2 } },
    ];
    writeFileSync(join(dir, 'sentiment.jsonl'), sentiment.map((l) => JSON.stringify(l)).join('\n') + '\n');
    r = await cli(['stats', 'sentiment.jsonl'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /sentimentMax: 1 \(1 item\), 2 \(2 items\)/);
  });
});
