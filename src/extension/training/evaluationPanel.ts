/**
 * The evaluation webview: strict CSP with a nonce, resources only from media/, a ready handshake
 * before the host posts, and the typed protocol in evaluationProtocol.ts.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewPage } from '../webviewPage';
import type { TrainingCloud } from '../../cloud/training';
import { evaluationViewModel } from '../../core/training/evaluation';
import type { EvaluationViewModel } from '../../core/training/evaluation';
import type { HostToPage, PageToHost } from './evaluationProtocol';

export interface EvaluationPanelHandle {
  panel: vscode.WebviewPanel;
  /** Resolves with the number of tables the page rendered, once it has. */
  rendered: Promise<number>;
}

export function evaluationHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  return webviewPage(webview, {
    title: 'Model evaluation',
    script: vscode.Uri.joinPath(extensionUri, 'media', 'evaluation.js'),
    style: vscode.Uri.joinPath(extensionUri, 'media', 'evaluation.css'),
    loading: 'Loading the evaluation…',
    nonce,
  });
}

export async function openEvaluation(extensionUri: vscode.Uri, cloud: TrainingCloud, modelName: string, onExport: () => void): Promise<EvaluationPanelHandle> {
  const model = await cloud.getModel(modelName);
  const evaluations = await cloud.listModelEvaluations(modelName);
  const views: EvaluationViewModel[] = [];
  for (const e of evaluations) views.push(evaluationViewModel(e, await cloud.listModelEvaluationSlices(e.name)));
  const panel = vscode.window.createWebviewPanel('vertexDatasets.evaluation', `Evaluation: ${model.displayName}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
  });
  const nonce = randomBytes(16).toString('base64');
  const post = (m: HostToPage) => void panel.webview.postMessage(m);
  let resolveRendered: (n: number) => void = () => undefined;
  const rendered = new Promise<number>((r) => (resolveRendered = r));
  panel.webview.onDidReceiveMessage((m: PageToHost) => {
    if (m.type === 'ready') post({ type: 'evaluation', model: { name: model.name, displayName: model.displayName, exportFormats: model.supportedExportFormats.map((f) => f.id) }, evaluations: views });
    else if (m.type === 'export') onExport();
    else if (m.type === 'rendered') resolveRendered(m.tables);
  });
  panel.webview.html = evaluationHtml(panel.webview, extensionUri, nonce);
  return { panel, rendered };
}
