import { strict as assert } from 'node:assert';
import { CLI_HINTS, EDITOR_HINTS, SplitError, formatReport, planSplit } from '../../../src/core/split';
import type { SplitHints, SplitOptions } from '../../../src/core/split';

const ML = 'aiplatform.googleapis.com/ml_use';

function item(i: number): string {
  return JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, classificationAnnotation: { displayName: `l${i % 2}` } });
}

async function notesOf(text: string, opts: Partial<SplitOptions>, path = 'a.jsonl'): Promise<string[]> {
  const plan = await planSplit({ bytes: Buffer.from(text, 'utf8') }, { strategy: 'random', ...opts }, path);
  return plan.report.notes.map((n) => n.message);
}

async function errorOf(text: string, opts: Partial<SplitOptions>, path: string): Promise<string> {
  try {
    await planSplit({ bytes: Buffer.from(text, 'utf8') }, { strategy: 'random', ...opts }, path);
  } catch (e) {
    assert.ok(e instanceof SplitError);
    return e.message;
  }
  assert.fail('the split was expected to refuse the file');
}

const CLI_WORDS = /vertex-datasets validate|--by\b/;

describe('split advice names what the place showing it offers', () => {
  it('the command line keeps its wording; the editor names the Problems view and "Validate Import File"', async () => {
    const text = [item(0), '{ not json', item(1), JSON.stringify({ imageGcsUri: 'gs://b/9.jpg', dataItemResourceLabels: { user: 'u1', [ML]: 'training' } })].join('\n') + '\n';
    const cli = await notesOf(text, { strategy: 'group', by: 'dataItemResourceLabels.user' });
    assert.ok(cli.includes('line is not valid JSON; it was left unchanged (run `vertex-datasets validate` to see why)'), cli.join('\n'));
    assert.ok(cli.includes("no value at 'dataItemResourceLabels.user' (the group key): the item is placed as if --by were not given"), cli.join('\n'));
    const editor = await notesOf(text, { strategy: 'group', by: 'dataItemResourceLabels.user', hints: EDITOR_HINTS });
    assert.equal(editor.length, cli.length);
    for (const m of editor) assert.doesNotMatch(m, CLI_WORDS);
    assert.ok(editor.some((m) => m.startsWith('line is not valid JSON') && m.includes('Problems view') && m.includes('"Validate Import File"')), editor.join('\n'));
    assert.ok(editor.some((m) => m.endsWith('as if no group field were entered')), editor.join('\n'));
  });

  it('the note counting problems beyond the kept ones, and the errors a split can refuse with, follow the hints too', async () => {
    // 60 distinct invalid ml_use values: more distinct notes than are kept.
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ imageGcsUri: `gs://b/${i}.jpg`, dataItemResourceLabels: { [ML]: `bad${i}` } }));
    const further = (h: SplitHints) => `further problems of the kinds above (${h.further})`;
    const cli = await notesOf(lines.join('\n'), {});
    assert.equal(cli[cli.length - 1], further(CLI_HINTS));
    assert.equal(cli[cli.length - 1], 'further problems of the kinds above (see `vertex-datasets validate`)');
    const editor = await notesOf(lines.join('\n'), { hints: EDITOR_HINTS });
    assert.equal(editor[editor.length - 1], further(EDITOR_HINTS));
    assert.doesNotMatch(editor[editor.length - 1], CLI_WORDS);

    const headed = 'path,label\ngs://b/1.jpg,cat\ngs://b/2.jpg,dog\n';
    assert.match(await errorOf(headed, {}, 'h.csv'), /remove it; `vertex-datasets validate` reports it\)/);
    assert.match(await errorOf(headed, { hints: EDITOR_HINTS }, 'h.csv'), /remove it; the Problems view reports it\)/);

    const wide = 'id,label\n1,a\n2,b,extra\n';
    assert.match(await errorOf(wide, {}, 'w.csv'), /\(vertex-datasets validate lists such rows\)$/);
    assert.match(await errorOf(wide, { hints: EDITOR_HINTS }, 'w.csv'), /\(the Problems view lists such rows\)$/);

    const ungrouped = [item(0), item(1), item(2)].join('\n');
    assert.match(await errorOf(ungrouped, { strategy: 'group', by: 'x.user' }, 'g.jsonl'), /\(the group key of --by\)/);
    assert.doesNotMatch(await errorOf(ungrouped, { strategy: 'group', by: 'x.user', hints: EDITOR_HINTS }, 'g.jsonl'), CLI_WORDS);
  });

  it('fraction errors and a report cut short name the place\'s way to give fractions and to see every label', async () => {
    const text = Array.from({ length: 6 }, (_, i) => item(i)).join('\n');
    assert.match(await errorOf(text, { fractions: 'a,b,c' }, 'f.jsonl'), /expected e\.g\. --fractions 0\.8,0\.1,0\.1$/);
    const editorError = await errorOf(text, { fractions: 'a,b,c', hints: EDITOR_HINTS }, 'f.jsonl');
    assert.match(editorError, /expected e\.g\. 0\.8,0\.1,0\.1$/);
    assert.doesNotMatch(editorError, /--/);
    const plan = await planSplit({ bytes: Buffer.from(text, 'utf8') }, { strategy: 'random' }, 'f.jsonl');
    assert.equal(plan.report.labels.length, 2);
    assert.match(formatReport(plan.report, 1), /^… and 1 more label \(--output json lists all\)$/m);
    assert.equal(formatReport(plan.report, 1), formatReport(plan.report, 1, CLI_HINTS));
    const editorReport = formatReport(plan.report, 1, EDITOR_HINTS);
    assert.match(editorReport, /^… and 1 more label \(after the split, "Show Statistics" charts every label per split\)$/m);
    assert.doesNotMatch(editorReport, /--output/);
  });
});
