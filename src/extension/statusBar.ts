/**
 * The status bar item for the active import file: format, item count, errors and warnings.
 * Clicking it opens a menu to change the format (or open the statistics when available).
 */
import * as vscode from 'vscode';
import type { DocumentReport, ValidationService } from './diagnostics';
import { formatTitle } from './diagnostics';
import { COMMANDS } from './commands';
import { statusCounts } from './statusSummary';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vertexDatasets.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly service: ValidationService) {
    this.item.name = 'Vertex AI import file';
    this.item.command = COMMANDS.statusMenu;
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      service.onDidValidate((r) => {
        if (r.uri.toString() === activeUri()?.toString()) this.update();
      }),
    ];
    this.update();
  }

  /** The text currently shown, or undefined when hidden. */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  private update(): void {
    const uri = activeUri();
    const report = uri && this.service.report(uri);
    if (!uri || !report || report.version < 0) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = statusText(report);
    this.item.tooltip = statusTooltip(report);
    this.item.backgroundColor = report.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

/**
 * The active editor's file, or the active tab's when it has no editor for extensions (a file
 * above 50 MB, validated from disk).
 */
function activeUri(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor) return editor.document.uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText ? input.uri : undefined;
}

export function statusText(r: DocumentReport): string {
  if (!r.format) return '$(circle-slash) Vertex: not an import file';
  if (r.partial) return `$(sync~spin) ${formatTitle(r.format)} · validating… · $(error) ${r.errors} $(warning) ${r.warnings}`;
  const items = `${r.items} ${r.items === 1 ? 'item' : 'items'}`;
  return `$(database) ${formatTitle(r.format)} · ${items} · $(error) ${r.errors} $(warning) ${r.warnings}`;
}

function statusTooltip(r: DocumentReport): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  if (!r.format) {
    md.appendMarkdown(`No Vertex AI import format recognised${r.detection ? `: ${r.detection.reason}` : ''}.\n\nClick to choose a format.`);
    return md;
  }
  const how = r.source === 'choice' ? 'chosen for this file' : r.source === 'setting' ? 'from `vertexDatasets.formats`' : `detected (${r.detection?.reason ?? ''})`;
  const unlisted = r.unlisted ? r.unlisted.errors + r.unlisted.warnings : 0;
  const hidden = unlisted > 0 ? ` (${unlisted} of them not listed: the \`vertexDatasets.maxProblems\` setting limits the list)` : '';
  md.appendMarkdown(`**${formatTitle(r.format)}**: ${how}\n\n${statusCounts(r.items, r.errors, r.warnings)}${hidden}\n\nClick to change the format or open the statistics.`);
  return md;
}

/** The menu behind the status bar item: change the format or open the statistics. */
export async function statusMenu(): Promise<void> {
  const picks: (vscode.QuickPickItem & { command: string })[] = [
    { label: '$(symbol-enum) Change Import Format…', command: COMMANDS.selectFormat },
    { label: '$(graph) Show Dataset Statistics', command: COMMANDS.showStatistics },
    { label: '$(folder) Show Statistics of the Folder\'s Dataset', description: 'the files of this format in its folder, as the CLI\'s stats FOLDER', command: COMMANDS.showFolderStatistics },
    { label: '$(output) Show Log', command: COMMANDS.showLog },
  ];
  const picked = await vscode.window.showQuickPick(picks, { title: 'Vertex AI import file' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
