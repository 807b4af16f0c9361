import * as vscode from 'vscode';
import { isImportCandidate } from '../diagnostics';
import type { ExplicitFormat } from '../formatChoice';

/**
 * Why "Validate Import File" does not validate `doc`, with what it accepts and how to make the
 * file count; undefined when it validates it.
 */
export function importFileRefusal(doc: vscode.TextDocument, explicit: ExplicitFormat | undefined): string | undefined {
  const name = vscode.workspace.asRelativePath(doc.uri);
  if (explicit?.format === 'none') {
    const how = explicit.source === 'choice' ? 'you chose "Not an import file" for it' : 'the vertexDatasets.formats setting maps it to "none"';
    return `${name} is not validated because ${how}; run "Choose Import Format for This File" and pick its format (or "Detect from content") to validate it`;
  }
  if (explicit || isImportCandidate(doc)) return undefined;
  // This file's own path: a pattern such as "*.json" would also take in every other file of that kind.
  const glob = vscode.workspace.getWorkspaceFolder(doc.uri) ? vscode.workspace.asRelativePath(doc.uri, false) : doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
  return (
    `${name} is not an import file: "Validate Import File" checks JSON Lines (.jsonl) and CSV (.csv) files, and a file of any other name once it has a format. ` +
    `To validate this one, run "Choose Import Format for This File", or map it to a format in the vertexDatasets.formats setting ` +
    `(for example { "${glob}": "image-classification-single-label" }), or rename it to .jsonl or .csv`
  );
}
