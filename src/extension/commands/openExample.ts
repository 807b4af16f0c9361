import * as vscode from 'vscode';

/** Opens the bundled broken example (examples/broken/boxes-broken.jsonl) as an untitled copy, so the walkthrough never edits the extension's files. */
export async function openExample(extensionUri: vscode.Uri): Promise<vscode.TextEditor> {
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'examples', 'broken', 'boxes-broken.jsonl'));
  const doc = await vscode.workspace.openTextDocument({ language: 'jsonl', content: new TextDecoder().decode(bytes) });
  return vscode.window.showTextDocument(doc);
}
