import * as vscode from 'vscode';
import { FORMATS, isFormatId, type FormatId } from '../../core/formats';
import type { FormatChoice, FormatResolver } from '../formatChoice';
import { pickMarks } from '../statusSummary';

interface FormatPick extends vscode.QuickPickItem {
  value: FormatChoice | undefined;
}

/**
 * Chooses the format of one file, persisted in workspace state. Arguments (for keybindings and
 * tests): the file uri and a format id, `none` (not an import file) or `auto` (forget the choice).
 */
export async function selectFormat(formats: FormatResolver, uriArg?: vscode.Uri | string, formatArg?: string): Promise<FormatChoice | undefined> {
  const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg ?? activeFileUri();
  if (!uri) throw new Error('open an import file first, then choose its format');
  let value: FormatChoice | undefined;
  if (formatArg !== undefined) {
    if (formatArg !== 'auto' && formatArg !== 'none' && !isFormatId(formatArg)) throw new Error(`"${formatArg}" is not a format id`);
    value = formatArg === 'auto' ? undefined : (formatArg as FormatChoice);
  } else {
    const chosen = formats.choice(uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const current = chosen ? { format: chosen, source: 'choice' as const } : doc ? formats.explicit(doc) : undefined;
    const marks = pickMarks(current);
    const kind = /\.csv$/i.test(uri.path) ? 'csv' : 'jsonl';
    const picks: FormatPick[] = [
      { label: '$(search) Detect from content', value: undefined, description: marks.detect },
      ...Object.values(FORMATS)
        .filter((f) => f[kind] && f.id !== 'custom')
        .map((f): FormatPick => ({ label: f.title, description: marks.format(f.id), value: f.id as FormatId })),
      { label: '$(circle-slash) Not an import file', description: marks.none, value: 'none' },
    ];
    const picked = await vscode.window.showQuickPick(picks, { title: `Import format of ${vscode.workspace.asRelativePath(uri)}`, matchOnDescription: true });
    if (!picked) return chosen;
    value = picked.value;
  }
  await formats.setChoice(uri, value);
  return value;
}

/** The active editor's file, or the active tab's (a file above 50 MB has a tab but no editor for extensions). */
function activeFileUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor) return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? input.uri : undefined;
}
