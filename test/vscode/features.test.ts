import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, revertAll, codeOf, errorsOf, ourDiagnostics, openFixture, settled, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

async function codeActions(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range)) ?? [];
}

describe('hover, completion and quick fixes', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  afterEach(async () => {
    await revertAll();
  });

  it('hover on a key shows its schema description and the official page', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const col = doc.lineAt(0).text.indexOf('imageGcsUri') + 3;
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, col)));
    assert.match(text, /Cloud Storage URI of the image/);
    assert.match(text, /cloud\.google\.com\/vertex-ai\/docs\/image-data\/classification\/prepare-data/);
  });

  it('hover on a gs:// URI shows the bucket and object, and on a finding its rule', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const line = doc.lineAt(1).text;
    const uriText = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, line.indexOf('gs://') + 8)));
    assert.match(uriText, /bucket: `my-bucket`/);
    assert.match(uriText, /Object: `images\/cat-002\.jpg`/);
    const ruleText = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, line.indexOf('"train"') + 2)));
    assert.match(ruleText, /Rule \[`mlUse\.invalid`\]/);
  });

  it('hover shows the file\'s own text as it is: backticks in an object name, markdown in a quoted value', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    // An object name with backticks and asterisks, and an ml_use value the rule's message quotes.
    const added = '{"imageGcsUri":"gs://my-bucket/a`b*c*.jpg","classificationAnnotation":{"displayName":"cat"},"dataItemResourceLabels":{"aiplatform.googleapis.com/ml_use":"*[x](https://example.com)*"}}';
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), `${doc.getText().endsWith('\n') ? '' : '\n'}${added}\n`));
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const lineNo = doc.lineCount - 2;
    const line = doc.lineAt(lineNo).text;
    assert.equal(line, added);
    const uriText = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(lineNo, line.indexOf('gs://') + 8)));
    // A code span fenced by two backticks shows the one inside; a single-backtick span would end at it.
    assert.ok(uriText.includes('Object: ``a`b*c*.jpg``'), uriText);
    const ruleText = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(lineNo, line.indexOf('*[x]') + 2)));
    assert.match(ruleText, /Rule \[`mlUse\.invalid`\]/);
    // The quoted value is escaped: no emphasis and no link to example.com.
    assert.ok(ruleText.includes('\\*\\[x\\]\\(https://example.com\\)\\*'), ruleText);
    assert.ok(!ruleText.includes('[x](https://example.com)'), ruleText);
  });

  it('completes ml_use values allowed for the format', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const line = doc.lineAt(1).text;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(1, line.indexOf('"train"') + 1));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const v of ['training', 'validation', 'test']) assert.ok(labels.includes(v), `missing ${v} in ${labels.join(', ')}`);
  });

  it('completes labels used in the file, most used first', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n{"imageGcsUri": "gs://my-bucket/x.jpg", "classificationAnnotation": {"displayName": ""}}'));
    const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    assert.equal(r.items, 5);
    const last = doc.lineCount - 1;
    const col = doc.lineAt(last).text.indexOf('""') + 1;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(last, col));
    const ours = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Value).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    // Labels of the dataset Vertex would import: lines 2-4 have line errors, so "cat" is on line 1 alone and "dog" (line 3) is none.
    assert.deepEqual(ours.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)), ['cat']);
    assert.equal(typeof ours[0].label === 'string' ? undefined : ours[0].label.description, '1 use');
  });

  it('leaves out the labels a multi-label item already has (the same label twice is a repeat)', async () => {
    const file = workspaceFile('multi-complete.jsonl');
    fs.writeFileSync(
      file.fsPath,
      ['cat', 'dog', 'bird'].map((l, i) => `{"imageGcsUri": "gs://my-bucket/${i}.jpg", "classificationAnnotations": [{"displayName": "${l}"}]}`).join('\n') +
        '\n{"imageGcsUri": "gs://my-bucket/x.jpg", "classificationAnnotations": [{"displayName": "cat"}, {"displayName": ""}]}\n',
    );
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      const r = await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
      assert.equal(r.format, 'image-classification-multi-label');
      const col = doc.lineAt(3).text.lastIndexOf('""') + 1;
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, col));
      const ours = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Value).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.deepEqual(ours.sort(), ['bird', 'dog']);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      fs.rmSync(file.fsPath, { force: true });
    }
  });

  it('completes keys the format allows at the cursor', async () => {
    const editor = await openFixture('mluse.jsonl');
    const doc = editor.document;
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    await editor.edit((e) => e.insert(new vscode.Position(doc.lineCount, 0), '\n{"imageGcsUri": "gs://my-bucket/x.jpg", "'));
    const last = doc.lineCount - 1;
    await waitForReport(api, doc.uri, (x) => x.version === doc.version && !x.datasetPending);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(last, doc.lineAt(last).text.length));
    const keys = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Property).map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).sort();
    assert.deepEqual(keys, ['classificationAnnotation', 'dataItemResourceLabels']);
  });

  it('quick fix: ml_use spelling, applied as an undoable edit', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.errors === 3);
    const line = doc.lineAt(1).text;
    const col = line.indexOf('"train"');
    const actions = await codeActions(doc, new vscode.Range(1, col + 1, 1, col + 2));
    const fix = actions.find((a) => a.title === 'Change to "training"');
    assert.ok(fix?.edit, `no ml_use fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(1).text, line.replace('"train"', '"training"'));
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.lineAt(1).text, line);
  });

  it('quick fix: fix all of one code in the file, and the missing ml_use prefix', async () => {
    const { document: doc } = await openFixture('mluse.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.errors === 3);
    const col = doc.lineAt(1).text.indexOf('"train"');
    const actions = await codeActions(doc, new vscode.Range(1, col + 1, 1, col + 2));
    const all = actions.find((a) => a.title === 'Fix all 2 "mlUse.invalid" problems in this file');
    assert.ok(all?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.ok(doc.lineAt(1).text.includes('"aiplatform.googleapis.com/ml_use": "training"'));
    assert.ok(doc.lineAt(2).text.includes('"aiplatform.googleapis.com/ml_use": "training"'));
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const left = errorsOf(await waitForDiagnostics(doc.uri, (ds) => errorsOf(ds).length === 1));
    const prefixCol = left[0].range.start.character;
    const prefixFix = (await codeActions(doc, new vscode.Range(3, prefixCol + 1, 3, prefixCol + 2))).find((a) => a.title === 'Rename to "aiplatform.googleapis.com/ml_use"');
    assert.ok(prefixFix?.edit);
    assert.ok(await vscode.workspace.applyEdit(prefixFix.edit));
    assert.ok(doc.lineAt(3).text.includes('{"aiplatform.googleapis.com/ml_use": "test"}'));
    await waitForDiagnostics(doc.uri, (ds) => errorsOf(ds).length === 0);
  });

  it('quick fix: swapped box coordinates', async () => {
    const { document: doc } = await openFixture('boxes.jsonl');
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.errors === 2);
    const ds = errorsOf(await waitForDiagnostics(doc.uri, (x) => errorsOf(x).length === 2));
    const actions = await codeActions(doc, ds[0].range);
    const swap = actions.find((a) => a.title === 'Swap the min and max coordinates');
    assert.ok(swap?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(swap.edit));
    assert.ok(doc.lineAt(0).text.includes('"xMin": 0.2, "yMin": 0.1, "xMax": 0.8, "yMax": 0.5'), doc.lineAt(0).text);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.errors === 1);
    const fixAll = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value)) ?? [];
    const source = fixAll.find((a) => a.kind?.value === 'source.fixAll.vertexDatasets');
    assert.ok(source?.edit, fixAll.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(source.edit));
    assert.ok(doc.lineAt(1).text.includes('"xMin": 0.1, "yMin": 0.4, "xMax": 0.3, "yMax": 0.9'), doc.lineAt(1).text);
    await waitForDiagnostics(doc.uri, (x) => errorsOf(x).length === 0);
  });
});

describe('quick fix: pixel boxes → relative boxes (image sizes from the media sidecar)', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await revertAll();
  });

  const pixelFindings = (ds: vscode.Diagnostic[], line: number) => ds.filter((d) => codeOf(d) === 'box.outOfRange' && d.range.start.line === line);

  it('divides by the size pixels.jsonl.media.json gives, for the box the finding is on, as one undoable edit', async () => {
    const { document: doc } = await openFixture('pixels.jsonl');
    await waitForReport(api, doc.uri, settled(doc));
    const ds = await waitForDiagnostics(doc.uri, (x) => pixelFindings(x, 0).length > 0 && pixelFindings(x, 1).length > 0 && pixelFindings(x, 2).length > 0);
    const line = doc.lineAt(0).text;
    const actions = await codeActions(doc, pixelFindings(ds, 0)[0].range);
    const fix = actions.find((a) => a.title === 'Convert the pixel box to relative coordinates (image 640×480 px per the media sidecar)');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(0).text, line.replace('"xMin": 64, "yMin": 48, "xMax": 320, "yMax": 240', '"xMin": 0.1, "yMin": 0.1, "xMax": 0.5, "yMax": 0.5'));
    await waitForDiagnostics(doc.uri, (x) => pixelFindings(x, 0).length === 0);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.lineAt(0).text, line);
  });

  it('second box of a line fixed alone; no fix for an image the sidecar does not size', async () => {
    const { document: doc } = await openFixture('pixels.jsonl');
    await waitForReport(api, doc.uri, settled(doc));
    const ds = await waitForDiagnostics(doc.uri, (x) => pixelFindings(x, 1).length > 0 && pixelFindings(x, 2).length > 0);
    const second = await codeActions(doc, pixelFindings(ds, 1)[0].range);
    const fix = second.find((a) => a.title.startsWith('Convert the pixel box'));
    assert.ok(fix?.edit, second.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.ok(doc.lineAt(1).text.includes('{"displayName": "car", "xMin": 0.1, "yMin": 0.2, "xMax": 0.5, "yMax": 0.6}, {"displayName": "bus", "xMin": 0.1, "yMin": 0, "xMax": 1, "yMax": 1}'), doc.lineAt(1).text);
    const third = await codeActions(doc, pixelFindings(ds, 2)[0].range);
    assert.ok(!third.some((a) => a.title.startsWith('Convert the pixel box')), third.map((a) => a.title).join(' | '));
  });
});

describe('quick fix: CSV pixel boxes → relative boxes (image sizes from the media sidecar)', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });

  it('divides each coordinate cell by the size pixelboxes.csv.media.json gives, as one undoable edit', async () => {
    const csv = workspaceFile('pixelboxes.csv');
    const sidecar = workspaceFile('pixelboxes.csv.media.json');
    const original = 'gs://bkt/a.jpg,cat,64,48,,,320,240,,\ngs://bkt/a.jpg,dog,"160",120,480,120,480,360,160,360\n';
    fs.writeFileSync(sidecar.fsPath, JSON.stringify({ 'gs://bkt/a.jpg': { width: 640, height: 480 } }));
    fs.writeFileSync(csv.fsPath, original);
    try {
      const doc = await vscode.workspace.openTextDocument(csv);
      await vscode.window.showTextDocument(doc);
      await waitForReport(api, doc.uri, settled(doc));
      const ds = await waitForDiagnostics(doc.uri, (x) => x.some((d) => codeOf(d) === 'box.outOfRange' && d.range.start.line === 1));
      const second = ds.find((d) => codeOf(d) === 'box.outOfRange' && d.range.start.line === 1)!;
      const actions = await codeActions(doc, second.range);
      const fix = actions.find((a) => a.title === 'Convert the pixel box to relative coordinates (image 640×480 px per the media sidecar)');
      assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(doc.getText(), 'gs://bkt/a.jpg,cat,64,48,,,320,240,,\ngs://bkt/a.jpg,dog,"0.25",0.25,0.75,0.25,0.75,0.75,0.25,0.75\n');
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
      await waitForReport(api, doc.uri, settled(doc));
      const source = ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), vscode.CodeActionKind.SourceFixAll.value)) ?? []).find((a) => a.edit);
      assert.ok(source?.edit);
      assert.ok(await vscode.workspace.applyEdit(source.edit));
      assert.equal(doc.getText(), 'gs://bkt/a.jpg,cat,0.1,0.1,,,0.5,0.5,,\ngs://bkt/a.jpg,dog,"0.25",0.25,0.75,0.25,0.75,0.75,0.25,0.75\n');
      await waitForDiagnostics(doc.uri, (x) => !x.some((d) => codeOf(d) === 'box.outOfRange'));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      fs.rmSync(csv.fsPath, { force: true });
      fs.rmSync(sidecar.fsPath, { force: true });
    }
  });
});

describe('dataset checks that need the media sidecar', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await revertAll();
  });

  const tiny = (ds: vscode.Diagnostic[]) => ds.filter((d) => codeOf(d) === 'box.tooSmallPx');

  it('flags a box under 8x8 px with the image size from tinybox.jsonl.media.json, and follows edits of the sidecar', async () => {
    const { document: doc } = await openFixture('tinybox.jsonl');
    await waitForReport(api, doc.uri, settled(doc));
    const ds = await waitForDiagnostics(doc.uri, (x) => tiny(x).length === 1);
    assert.equal(tiny(ds)[0].range.start.line, 0);
    assert.match(tiny(ds)[0].message, /7\.04 × 48 px in the 640×480 image/);
    const sidecar = vscode.Uri.joinPath(doc.uri, '..', 'tinybox.jsonl.media.json');
    const original = await vscode.workspace.fs.readFile(sidecar);
    try {
      // Twice the width: the box is 14 px wide and no longer dropped.
      await vscode.workspace.fs.writeFile(sidecar, Buffer.from(Buffer.from(original).toString('utf8').replace(/"width": 640/g, '"width": 1280')));
      await waitForDiagnostics(doc.uri, (x) => tiny(x).length === 0 && x.some((d) => codeOf(d) === 'label.tooFewItems'));
    } finally {
      await vscode.workspace.fs.writeFile(sidecar, original);
    }
    await waitForDiagnostics(doc.uri, (x) => tiny(x).length === 1);
  });
});

describe('quick fixes from the validator data', () => {
  let api: TestApi;
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await revertAll();
  });

  // Each finding's own fix, applied in turn: the code disappears from that line and the line reads as expected.
  const cases: { code: string; line: number; title: string; expect: RegExp }[] = [
    { code: 'legacy.boundingBox', line: 0, title: 'Convert to the official "boundingBoxAnnotations" shape', expect: /"boundingBoxAnnotations":\[\{[^\]]*"xMin":0\.1,"yMin":0\.2,"xMax":0\.3,"yMax":0\.4/ },
    { code: 'schema.unknownKey', line: 1, title: 'Rename to "imageGcsUri"', expect: /^\{"imageGcsUri":"gs:\/\/my-bucket\/images\/0004\.jpg"/ },
    { code: 'box.minMax', line: 1, title: 'Swap the min and max coordinates', expect: /"xMin":0\.2,"yMin":0\.1,"xMax":0\.6,"yMax":0\.5/ },
    { code: 'mlUse.missingPrefix', line: 1, title: 'Rename to "aiplatform.googleapis.com/ml_use"', expect: /"dataItemResourceLabels":\{"aiplatform\.googleapis\.com\/ml_use":"validation"\}/ },
    { code: 'value.gcsUri', line: 2, title: 'Change to "gs://my-bucket/images/0005.jpg"', expect: /"imageGcsUri":"gs:\/\/my-bucket\/images\/0005\.jpg"/ },
    { code: 'mlUse.unassigned', line: 2, title: 'Remove the UNASSIGNED split (let Vertex AI assign it)', expect: /"dataItemResourceLabels":\{\}/ },
  ];
  for (const c of cases) {
    it(`fixes ${c.code}`, async () => {
      const { document: doc } = await openFixture('legacy.jsonl');
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      const d = (await waitForDiagnostics(doc.uri, (ds) => ds.some((x) => codeOf(x) === c.code && x.range.start.line === c.line))).find(
        (x) => codeOf(x) === c.code && x.range.start.line === c.line,
      )!;
      const actions = await codeActions(doc, d.range);
      const fix = actions.find((a) => a.title === c.title);
      assert.ok(fix?.edit, `no fix for ${c.code} among: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.match(doc.lineAt(c.line).text, c.expect);
      await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
      assert.ok(!ourDiagnostics(doc.uri).some((x) => codeOf(x) === c.code && x.range.start.line === c.line), `${c.code} is still reported on line ${c.line + 1}`);
    });
  }
});
