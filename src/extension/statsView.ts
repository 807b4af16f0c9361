/**
 * The statistics view: one webview panel per import file showing the core's dataset statistics
 * (label counts, split x label, distributions) drawn with Chart.js bundled under media/. Strict
 * CSP with a nonce, resources only from media/, typed messages (src/webview/protocol.ts), and
 * nothing posted before the page says `ready`. Updates whenever the file is validated again.
 */
import * as vscode from 'vscode';
import { webviewPage } from './webviewPage';
import type { HostToView, RenderedCharts, StatsPayload, ViewToHost } from '../webview/protocol';
import { formatTitle, type DocumentReport, type ValidationService } from './diagnostics';
import type { FormatId } from '../core/formats';
import { plural } from '../core/plural';
import { datasetFolderOf, folderDataset } from './folderStats';

export interface RenderedEvent {
  uri: vscode.Uri;
  charts: RenderedCharts;
}

/** A folder's dataset: the import files of one format in a folder and below, as `vertex-datasets stats FOLDER`. */
interface FolderScope {
  folder: vscode.Uri;
  format: FormatId;
  strict: boolean;
}

class StatsPanel implements vscode.Disposable {
  /**
   * True once the page has said `ready`. A hidden panel drops its page (no
   * retainContextWhenHidden) and the reloaded page says `ready` again: it then gets the latest data.
   */
  private ready = false;
  private latest: HostToView | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    /** The file shown, or for a folder's dataset the file it was opened from (labels are revealed there). */
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly service: ValidationService,
    private readonly rendered: vscode.EventEmitter<RenderedEvent>,
    onDispose: () => void,
    private readonly scope?: FolderScope,
  ) {
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: ViewToHost) => this.receive(m)),
      panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
    );
    if (scope) {
      // The folder's files are read from disk: read again when one of them is saved, created or deleted.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(scope.folder, '**/*.{jsonl,ndjson,csv,json}'));
      const again = () => this.refreshSoon();
      this.subscriptions.push(watcher, watcher.onDidChange(again), watcher.onDidCreate(again), watcher.onDidDelete(again));
    } else {
      this.subscriptions.push(
        service.onDidValidate((r) => {
          if (r.uri.toString() === uri.toString() && !r.datasetPending) this.post(r);
        }),
      );
    }
  }

  /** The uri the `rendered` events carry: the file, or the folder of a folder's dataset. */
  get key(): vscode.Uri {
    return this.scope?.folder ?? this.uri;
  }

  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  private refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, 300);
  }

  /** Reads the folder's dataset again (one read at a time; a change meanwhile reads once more after it). */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readFolder().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.reading;
  }

  private async readFolder(): Promise<void> {
    const scope = this.scope;
    if (!scope) return;
    const where = `${vscode.workspace.asRelativePath(scope.folder, false)}/`;
    try {
      const r = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Vertex: reading the dataset in ${where}` },
        () => folderDataset(scope.folder.fsPath, scope.format, scope.strict),
      );
      const d = r.dataset;
      this.postPayload({
        file: d ? `${where} · ${plural(d.files.length, 'file')} read from disk` : `${where} · no file read as ${formatTitle(scope.format)}`,
        formatTitle: formatTitle(scope.format),
        items: d?.items ?? 0,
        errors: d?.problems.errors ?? 0,
        warnings: d?.problems.warnings ?? 0,
        stats: d,
      });
    } catch (e) {
      this.postPayload({ file: `${where} · cannot be read: ${(e as Error).message}`, formatTitle: formatTitle(scope.format), items: 0, errors: 0, warnings: 0 });
    }
  }

  post(report: DocumentReport | undefined): void {
    if (this.scope) return void this.refresh();
    this.postPayload({
      file: vscode.workspace.asRelativePath(this.uri),
      formatTitle: report?.format ? formatTitle(report.format) : 'not an import file',
      items: report?.items ?? 0,
      errors: report?.errors ?? 0,
      warnings: report?.warnings ?? 0,
      stats: report?.stats,
    });
  }

  private postPayload(payload: StatsPayload): void {
    this.latest = { type: 'stats', payload };
    if (this.ready) void this.panel.webview.postMessage(this.latest);
  }

  private async receive(m: ViewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.latest) void this.panel.webview.postMessage(this.latest);
        return;
      case 'rendered':
        this.rendered.fire({ uri: this.key, charts: m.charts });
        return;
      case 'revealLabel': {
        const line = this.service.firstLineOfLabel(this.uri, m.label);
        if (line === undefined) return;
        const doc = await vscode.workspace.openTextDocument(this.uri);
        const pos = new vscode.Position(line - 1, 0);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
        return;
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}

export class StatsViews implements vscode.Disposable {
  private readonly panels = new Map<string, StatsPanel>();
  private readonly rendered = new vscode.EventEmitter<RenderedEvent>();
  /** Fires with what the page drew, each time it draws. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: ValidationService,
  ) {}

  show(uri: vscode.Uri): vscode.WebviewPanel {
    const existing = this.panels.get(uri.toString());
    if (existing) {
      // Reveal where it is (moving a webview reloads its page) and keep the focus in the editor.
      existing.panel.reveal(existing.panel.viewColumn, true);
      existing.post(this.service.report(uri));
      return existing.panel;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('vertexDatasets.statistics', `Statistics: ${uri.path.split('/').pop()}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'vertex-ai.svg');
    panel.webview.html = this.html(panel.webview, media);
    const view = new StatsPanel(uri, panel, this.service, this.rendered, () => this.panels.delete(uri.toString()));
    this.panels.set(uri.toString(), view);
    view.post(this.service.report(uri));
    return panel;
  }

  /**
   * The statistics of the dataset `uri` belongs to: the import files of its format in its folder
   * and below, read from disk as `vertex-datasets stats FOLDER` reads them.
   */
  async showFolder(uri: vscode.Uri, strict: boolean): Promise<vscode.WebviewPanel> {
    const format = this.service.report(uri)?.format;
    if (!format) throw new Error(`${vscode.workspace.asRelativePath(uri)} is not validated as an import file: choose its format first`);
    if (uri.scheme !== 'file') throw new Error('the statistics of a folder need a file on disk');
    const folder = vscode.Uri.file(datasetFolderOf(uri.fsPath));
    const key = `folder:${folder.toString()}#${format}`;
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn, true);
      await existing.refresh();
      return existing.panel;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('vertexDatasets.statistics', `Statistics: ${folder.path.split('/').pop()}/ (${format})`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'vertex-ai.svg');
    panel.webview.html = this.html(panel.webview, media);
    const view = new StatsPanel(uri, panel, this.service, this.rendered, () => this.panels.delete(key), { folder, format, strict });
    this.panels.set(key, view);
    await view.refresh();
    return panel;
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    return webviewPage(webview, {
      title: 'Dataset statistics',
      script: vscode.Uri.joinPath(media, 'dist', 'stats.js'),
      style: vscode.Uri.joinPath(media, 'stats.css'),
      loading: 'Loading statistics…',
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    this.rendered.dispose();
  }
}
