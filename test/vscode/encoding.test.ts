import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, codeOf, EXTENSION_ID, ourDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';

/** `vertex-datasets validate --output json FILE` as a user runs it: "line:column code" of each finding. */
function cliFindings(file: string): string[] {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const r = cp.spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), 'validate', '--output', 'json', file], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const json = JSON.parse(r.stdout) as { files: { diagnostics: { line: number; column: number; code: string }[] }[] };
  return json.files[0].diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`).sort();
}

const editorFindings = (uri: vscode.Uri) => ourDiagnostics(uri).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)}`).sort();

describe('encodings: the editor reports what the CLI reports for the same file', () => {
  let api: TestApi;
  const written: string[] = [];
  const img = (i: number, label: string) => JSON.stringify({ imageGcsUri: `gs://bkt/${i}.jpg`, classificationAnnotation: { displayName: label } });
  before(async () => {
    api = await activateExtension<TestApi>();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of written) fs.rmSync(f, { force: true });
  });

  async function open(name: string, bytes: Buffer | string, encoding?: string): Promise<vscode.TextDocument> {
    const uri = workspaceFile(name);
    fs.writeFileSync(uri.fsPath, bytes);
    written.push(uri.fsPath);
    const doc = await vscode.workspace.openTextDocument(uri, encoding ? { encoding } : undefined);
    await vscode.window.showTextDocument(doc);
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    return doc;
  }

  it('a UTF-8 byte order mark (JSONL and CSV) is an encoding.bom warning, and stays after line 1 is edited', async () => {
    const doc = await open('bom.jsonl', '\ufeff' + [img(1, 'cat'), img(2, 'dog')].join('\r\n') + '\r\n');
    assert.equal((doc as { encoding?: string }).encoding, 'utf8bom');
    assert.ok(editorFindings(doc.uri).includes('1:1 encoding.bom'), editorFindings(doc.uri).join(', '));
    assert.deepEqual(editorFindings(doc.uri), cliFindings(doc.uri.fsPath));
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => e.replace(doc.lineAt(0).range, img(1, 'dog')));
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    assert.ok(editorFindings(doc.uri).includes('1:1 encoding.bom'), editorFindings(doc.uri).join(', '));
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const csv = await open('bom.csv', '\ufefftraining,gs://bkt/a.jpg,cat\r\ntest,gs://bkt/b.jpg,dog\r\n');
    assert.ok(editorFindings(csv.uri).includes('1:1 encoding.bom'), editorFindings(csv.uri).join(', '));
    assert.deepEqual(editorFindings(csv.uri), cliFindings(csv.uri.fsPath));
  });

  it('bytes that are not UTF-8 are an encoding.utf8 error where the CLI puts it, and the line\'s label is not counted', async () => {
    // "café" written as windows-1252 / ISO 8859-1 bytes: é is the single byte 0xe9.
    const bytes = Buffer.from(img(1, 'cat') + '\n' + img(2, 'café') + '\n' + img(3, 'dog') + '\n', 'latin1');
    const doc = await open('latin1.jsonl', bytes);
    assert.deepEqual(editorFindings(doc.uri), cliFindings(doc.uri.fsPath));
    assert.ok(editorFindings(doc.uri).some((f) => f.startsWith('2:') && f.endsWith('encoding.utf8')), editorFindings(doc.uri).join(', '));
    assert.ok(!ourDiagnostics(doc.uri).some((d) => d.message.includes('caf\ufffd')), 'the undecodable line must not add a label');
    assert.equal(api.report(doc.uri)?.errors, 1);
  });

  it('a genuine U+FFFD in a valid UTF-8 file is a character, as in the CLI: no encoding.utf8, after edits too', async () => {
    const doc = await open('genuine-fffd.jsonl', Buffer.from(img(1, 'cat') + '\n' + img(2, 'caf\ufffd') + '\n' + img(3, 'dog') + '\n', 'utf8'));
    // The file's bytes are read after the first run; the findings then follow them.
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.errors === 0);
    assert.deepEqual(editorFindings(doc.uri), cliFindings(doc.uri.fsPath));
    assert.ok(!editorFindings(doc.uri).some((f) => f.endsWith('encoding.utf8')), editorFindings(doc.uri).join(', '));
    await vscode.window.activeTextEditor!.edit((e) => e.replace(doc.lineAt(1).range, img(2, 'tea\ufffd')));
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    assert.ok(!editorFindings(doc.uri).some((f) => f.endsWith('encoding.utf8')), editorFindings(doc.uri).join(', '));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('CSV: a genuine U+FFFD is a character and a byte that is not UTF-8 an encoding.utf8 error where the CLI puts it, before and after edits', async () => {
    const row = (i: number, label: string) => `gs://bkt/${i}.jpg,${label}`;
    const genuine = await open('genuine-fffd.csv', Buffer.from([row(1, 'cat'), row(2, 'caf\ufffd'), row(3, 'dog')].join('\n') + '\n', 'utf8'));
    // The file's bytes are read after the first run; the findings then follow them.
    await waitForReport(api, genuine.uri, (r) => r.version === genuine.version && !r.datasetPending && !editorFindings(genuine.uri).some((f) => f.endsWith('encoding.utf8')));
    assert.deepEqual(editorFindings(genuine.uri), cliFindings(genuine.uri.fsPath));
    await vscode.window.activeTextEditor!.edit((e) => e.replace(genuine.lineAt(1).range, row(2, 'tea\ufffd')));
    await waitForReport(api, genuine.uri, (r) => r.version === genuine.version && !r.datasetPending);
    assert.ok(!editorFindings(genuine.uri).some((f) => f.endsWith('encoding.utf8')), editorFindings(genuine.uri).join(', '));
    await vscode.commands.executeCommand('workbench.action.files.revert');

    // A genuine U+FFFD on line 2, "café" as ISO 8859-1 (é is the byte 0xe9) on line 3: the CLI reports line 3.
    const mixed = await open('mixed-fffd.csv', Buffer.concat([Buffer.from([row(1, 'cat'), row(2, 'caf\ufffd')].join('\n') + '\n', 'utf8'), Buffer.from(row(3, 'café') + '\n', 'latin1')]));
    const cli = cliFindings(mixed.uri.fsPath);
    assert.ok(cli.includes('3:19 encoding.utf8'), cli.join(', '));
    await waitForReport(api, mixed.uri, (r) => r.version === mixed.version && !r.datasetPending && editorFindings(mixed.uri).includes('3:19 encoding.utf8'));
    assert.deepEqual(editorFindings(mixed.uri), cli);
    assert.match(ourDiagnostics(mixed.uri).find((d) => codeOf(d) === 'encoding.utf8')!.message, /^Invalid UTF-8 \(byte 0xe9\)/);
  });

  it('a document VS Code reads in another encoding (here windows-1252) with characters beyond ASCII is an error: Vertex reads UTF-8', async () => {
    const bytes = Buffer.from(img(1, 'cat') + '\n' + img(2, 'café') + '\n', 'latin1');
    const doc = await open('cp1252.jsonl', bytes, 'windows1252');
    assert.equal((doc as { encoding?: string }).encoding, 'windows1252');
    assert.ok(doc.lineAt(1).text.includes('café'), `${(doc as { encoding?: string }).encoding}: ${doc.lineAt(1).text}`);
    const d = ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'encoding.document');
    assert.ok(d, editorFindings(doc.uri).join(', '));
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.line, d.range.start.character], [1, doc.lineAt(1).text.indexOf('é')]);
    assert.match(d.message, /windows1252, not UTF-8.*Save it as UTF-8/);
    // Lines inserted above move the character; the finding follows it.
    await vscode.window.activeTextEditor!.edit((e) => e.insert(new vscode.Position(0, 0), img(0, 'ant') + '\n'));
    await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending);
    const moved = ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'encoding.document');
    assert.deepEqual([moved?.range.start.line, moved?.range.start.character], [2, doc.lineAt(2).text.indexOf('é')]);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a UTF-16 document is an error even when all its characters are ASCII (the CLI reads its bytes as binary)', async () => {
    const doc = await open('utf16.jsonl', Buffer.from('\ufeff' + img(1, 'cat') + '\n', 'utf16le'));
    assert.equal((doc as { encoding?: string }).encoding, 'utf16le');
    const d = ourDiagnostics(doc.uri).find((x) => codeOf(x) === 'encoding.document');
    assert.ok(d, editorFindings(doc.uri).join(', '));
    assert.deepEqual([d.range.start.line, d.range.start.character], [0, 0]);
    assert.ok(cliFindings(doc.uri.fsPath).includes('1:1 file.binary'), cliFindings(doc.uri.fsPath).join(', '));
  });
});
