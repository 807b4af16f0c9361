import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, codeOf, EXTENSION_ID, waitForDiagnostics, waitForReport, workspaceFile, type TestApi } from './util';
import { loneCarriageReturnLines, withLoneCarriageReturnsAsLf } from '../../src/extension/lineEnds';

const item = (name: string, label: string) => JSON.stringify({ imageGcsUri: `gs://bkt/${name}.jpg`, classificationAnnotation: { displayName: label } });

describe('lone carriage returns in a JSONL file', () => {
  const file = () => workspaceFile('lone-cr.jsonl');
  before(async () => {
    await activateExtension();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file().fsPath, { force: true });
  });

  it('are a jsonl.syntax error in the editor as in the CLI, saying CR alone is no line break for Vertex AI; the quick fix makes them LF and keeps every other byte', async () => {
    // a CR alone, then a CRLF, then LFs.
    const bytes = `${item('a', 'cat')}\r${item('b', 'dog')}\r\n${item('c', 'cat')}\n${item('d', 'dog')}\n`;
    fs.writeFileSync(file().fsPath, bytes);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const r = cp.spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), 'validate', '--output', 'json', file().fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const cli = (JSON.parse(r.stdout) as { files: { diagnostics: { line: number; code: string; message: string }[] }[] }).files[0].diagnostics.filter((d) => d.code === 'jsonl.syntax');
    assert.equal(cli.length, 1, r.stdout);
    assert.equal(cli[0].line, 1);
    assert.match(cli[0].message, /carriage return \(CR\) without a line feed/i);
    assert.match(cli[0].message, /Vertex AI reads newline-delimited JSON, where only LF \(or CRLF\) ends a line/);
    assert.match(cli[0].message, /Convert the line endings to LF/);

    const doc = await vscode.workspace.openTextDocument(file());
    await vscode.window.showTextDocument(doc);
    const seen = (await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => codeOf(d) === 'jsonl.syntax'))).filter((d) => codeOf(d) === 'jsonl.syntax');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].range.start.line, 0, 'on the line the lone CR ends');
    assert.equal(seen[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(seen[0].message, /carriage return \(CR\) without a line feed/i);
    assert.match(seen[0].message, /Vertex AI reads newline-delimited JSON, where only LF \(or CRLF\) ends a line/);
    assert.match(seen[0].message, /Convert the line endings to LF/);

    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, seen[0].range)) ?? [];
    const fix = actions.find((a) => a.title === 'Convert lone carriage returns to LF line endings');
    assert.ok(fix?.command, `no line-ending fix among: ${actions.map((a) => a.title).join(' | ')}`);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.equal(fs.readFileSync(file().fsPath, 'utf8'), bytes.replace(/\r(?!\n)/g, '\n'));
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'jsonl.syntax'));
  });

  it('are not marked where they are whitespace around an item, as the CLI does not (before the next LF or the end of the file)', async () => {
    const spaced = workspaceFile('lone-cr-spaced.jsonl');
    // Item a ends with a lone CR before a CRLF, b with one before the LF, c starts with one, d and e are joined by one, f ends the file with one.
    const bytes = `${item('a', 'cat')}\r\r\n${item('b', 'dog')} \r\n\r${item('c', 'cat')}\n${item('d', 'dog')}\r${item('e', 'cat')}\n${item('f', 'dog')}\r`;
    fs.writeFileSync(spaced.fsPath, bytes);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const r = cp.spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), 'validate', '--output', 'json', spaced.fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    const cli = (JSON.parse(r.stdout) as { files: { diagnostics: { line: number; code: string }[] }[] }).files[0].diagnostics.filter((d) => d.code === 'jsonl.syntax');
    assert.deepEqual(cli.map((d) => d.line), [4], r.stdout);
    const doc = await vscode.workspace.openTextDocument(spaced);
    await vscode.window.showTextDocument(doc);
    const seen = (await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => codeOf(d) === 'jsonl.syntax' && /carriage return/i.test(d.message)))).filter(
      (d) => codeOf(d) === 'jsonl.syntax' && /carriage return/i.test(d.message),
    );
    fs.rmSync(spaced.fsPath);
    assert.deepEqual(
      seen.map((d) => doc.lineAt(d.range.start.line).text),
      [item('d', 'dog')],
      'only the CR joining d and e is marked',
    );
  });

  it('in an edited document, the quick fix saves it (the editor writes its own line endings)', async () => {
    const edited = workspaceFile('lone-cr-edited.jsonl');
    fs.writeFileSync(edited.fsPath, `${item('a', 'cat')}\r${item('b', 'dog')}\n`);
    const doc = await vscode.workspace.openTextDocument(edited);
    const editor = await vscode.window.showTextDocument(doc);
    const seen = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => codeOf(d) === 'jsonl.syntax'));
    assert.ok(await editor.edit((e) => e.insert(doc.lineAt(1).range.end, '\n' + item('c', 'cat'))));
    assert.ok(doc.isDirty);
    const range = seen.find((d) => codeOf(d) === 'jsonl.syntax')!.range;
    const fix = ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, range)) ?? []).find((a) => a.title === 'Convert lone carriage returns to LF line endings');
    assert.ok(fix?.command);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.ok(!doc.isDirty);
    const written = fs.readFileSync(edited.fsPath, 'utf8');
    fs.rmSync(edited.fsPath);
    assert.doesNotMatch(written, /\r(?!\n)/);
    assert.equal(written.split(/\r?\n/).filter(Boolean).length, 3);
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => codeOf(d) === 'jsonl.syntax'));
  });

  it('are read again when another program changes the file while it is open and unedited (its text in the editor unchanged)', async () => {
    const external = workspaceFile('lone-cr-external.jsonl');
    const [a, b, c] = [item('a', 'cat'), item('b', 'dog'), item('c', 'cat')];
    fs.writeFileSync(external.fsPath, `${a}\r${b}\n${c}\n`);
    try {
      const doc = await vscode.workspace.openTextDocument(external);
      await vscode.window.showTextDocument(doc);
      const crLines = (ds: readonly vscode.Diagnostic[]) => ds.filter((d) => codeOf(d) === 'jsonl.syntax' && /carriage return/i.test(d.message)).map((d) => d.range.start.line);
      await waitForDiagnostics(doc.uri, (ds) => crLines(ds).join() === '0');
      const text = doc.getText();
      // The lone CR moves from the end of a to the end of b: the editor shows the same lines.
      fs.writeFileSync(external.fsPath, `${a}\n${b}\r${c}\n`);
      await waitForDiagnostics(doc.uri, (ds) => crLines(ds).join() === '1');
      assert.equal(doc.getText(), text);
      assert.ok(!doc.isDirty);
      // A line more before it: the editor reloads the document, and the finding follows the line.
      fs.writeFileSync(external.fsPath, `${c}\n${a}\n${b}\r${c}\n`);
      await waitForDiagnostics(doc.uri, (ds) => crLines(ds).join() === '2');
      assert.equal(doc.lineAt(2).text, b);
      // No lone CR left: the finding goes.
      fs.writeFileSync(external.fsPath, `${a}\n${b}\n${c}\n`);
      await waitForDiagnostics(doc.uri, (ds) => crLines(ds).length === 0);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(external.fsPath, { force: true });
    }
  });

  it('while they remain, items and labels count as in the CLI (the pieces a lone CR joins are one item that does not parse); converted, the pieces count again', async () => {
    const api = await activateExtension<TestApi>();
    const joined = workspaceFile('lone-cr-counts.jsonl');
    // a and b are one line to Vertex AI and the CLI; c and d are lines of their own.
    fs.writeFileSync(joined.fsPath, `${item('a', 'cat')}\r${item('b', 'dog')}\n${item('c', 'cat')}\n${item('d', 'bird')}\n`);
    try {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
      const cli = (cmd: string) => JSON.parse(cp.spawnSync(process.execPath, [path.join(ext, 'dist', 'cli.js'), cmd, '--output', 'json', joined.fsPath], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }).stdout);
      const cliItems = (cli('validate') as { files: { items: number }[] }).files[0].items;
      const cliLabels = (cli('stats') as { datasets: { labels: { name: string }[] }[] }).datasets[0].labels.map((l) => l.name).sort();
      assert.deepEqual([cliItems, cliLabels], [3, ['bird', 'cat']]);
      const doc = await vscode.workspace.openTextDocument(joined);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.lineCount, 5, 'the editor shows a and b on lines of their own');
      const counted = await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.items === cliItems);
      assert.deepEqual(counted.stats?.labels.map((l) => l.name).sort(), cliLabels);
      await vscode.commands.executeCommand('vertexDatasets.convertLoneCarriageReturns', doc.uri);
      const converted = await waitForReport(api, doc.uri, (r) => r.version === doc.version && !r.datasetPending && r.items === 4);
      assert.deepEqual(converted.stats?.labels.map((l) => l.name).sort(), ['bird', 'cat', 'dog']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      fs.rmSync(joined.fsPath, { force: true });
    }
  });

  it('are found on the line the editor shows them ending (CR, LF and CRLF each end one line), and only they become LF', () => {
    const b = Buffer.from('a\rb\r\nc\nd\re\r\r\nf\r');
    // e's and f's CRs end their items before a CRLF / the end of the file: whitespace to Vertex AI.
    assert.deepEqual(loneCarriageReturnLines(b), [0, 3]);
    assert.deepEqual(loneCarriageReturnLines(Buffer.from('a\n\r b\n c \r\t\r\nd\r\re\rf \r')), [5, 6, 7]);
    assert.deepEqual(loneCarriageReturnLines(Buffer.from('a\r\nb\r\n')), []);
    assert.deepEqual(loneCarriageReturnLines(Buffer.from('')), []);
    assert.equal(withLoneCarriageReturnsAsLf(b).toString(), 'a\nb\r\nc\nd\ne\n\r\nf\n');
  });
});
