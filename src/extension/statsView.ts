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

export interface RenderedEvent {
  uri: vscode.Uri;
  charts: RenderedCharts;
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
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly service: ValidationService,
    private readonly rendered: vscode.EventEmitter<RenderedEvent>,
    onDispose: () => void,
  ) {
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: ViewToHost) => this.receive(m)),
      panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
      service.onDidValidate((r) => {
        if (r.uri.toString() === uri.toString() && !r.datasetPending) this.post(r);
      }),
    );
  }

  post(report: DocumentReport | undefined): void {
    const payload: StatsPayload = {
      file: vscode.workspace.asRelativePath(this.uri),
      formatTitle: report?.format ? formatTitle(report.format) : 'not an import file',
      items: report?.items ?? 0,
      errors: report?.errors ?? 0,
      warnings: report?.warnings ?? 0,
      stats: report?.stats,
    };
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
        this.rendered.fire({ uri: this.uri, charts: m.charts });
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
