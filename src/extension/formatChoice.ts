/**
 * Which format a document is validated as: the user's per-file choice (workspace state), else the
 * first matching `vertexDatasets.formats` glob, else detection from content, which only counts when
 * it finds Vertex media keys, so unrelated JSON Lines files get no findings.
 */
import * as vscode from 'vscode';
import { isFormatId, type FormatId } from '../core/formats';
import type { Settings } from './settings';

/** `none`: the user said this file is not an import file. */
export type FormatChoice = FormatId | 'none';

export type FormatSource = 'choice' | 'setting' | 'detected';

export interface ExplicitFormat {
  format: FormatChoice;
  source: 'choice' | 'setting';
}

const STATE_KEY = 'vertexDatasets.formatChoices';

export class FormatResolver implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires with the uri whose choice changed (undefined: settings changed, all may differ). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly settings: Settings,
  ) {}

  private choices(): Record<string, string> {
    return this.state.get<Record<string, string>>(STATE_KEY) ?? {};
  }

  choice(uri: vscode.Uri): FormatChoice | undefined {
    const c = this.choices()[uri.toString()];
    return c === 'none' || (c !== undefined && isFormatId(c)) ? (c as FormatChoice) : undefined;
  }

  /** Stores (or with `undefined` forgets) the user's choice for one file. */
  async setChoice(uri: vscode.Uri, format: FormatChoice | undefined): Promise<void> {
    const next = { ...this.choices() };
    if (format === undefined) delete next[uri.toString()];
    else next[uri.toString()] = format;
    await this.state.update(STATE_KEY, next);
    this.changed.fire(uri);
  }

  settingsChanged(): void {
    this.changed.fire(undefined);
  }

  /** The explicit format for a document, if the user gave one (choice or setting). */
  explicit(doc: vscode.TextDocument): ExplicitFormat | undefined {
    const chosen = this.choice(doc.uri);
    if (chosen) return { format: chosen, source: 'choice' };
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    for (const { glob, format } of this.settings.formats(doc.uri)) {
      // As in files.associations: a pattern without a slash ("*.boxes.jsonl") matches file names in any folder.
      const scoped = glob.includes('/') ? glob : `**/${glob}`;
      const pattern = folder ? new vscode.RelativePattern(folder, scoped) : scoped;
      if (vscode.languages.match({ pattern }, doc) > 0) return { format, source: 'setting' };
    }
    return undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
