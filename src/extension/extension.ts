/**
 * Activation only assembles: it builds the services and calls the `register*` functions, each of
 * which returns a Disposable owned by the extension context. Cloud SDKs are never loaded here.
 */
import * as vscode from 'vscode';
import type { VertexDatasetsApi } from './api';
import { COMMANDS, registerCommand } from './commands';
import { selectFormat } from './commands/selectFormat';
import { registerDiagnostics, ValidationService, isImportCandidate } from './diagnostics';
import { FormatResolver } from './formatChoice';
import { createSettings } from './settings';
import { StatusBar } from './statusBar';
import { splitDataset } from './split/command';
import { vscodeSplitUi } from './split/ui';

export function activate(context: vscode.ExtensionContext): VertexDatasetsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Vertex Datasets', { log: true });
  const settings = createSettings(log);
  const formats = new FormatResolver(context.workspaceState, settings);
  const deps = { log, settings, formats };
  const validation = new ValidationService(deps);
  const statusBar = new StatusBar(validation);

  context.subscriptions.push(
    log,
    formats,
    validation,
    statusBar,
    registerDiagnostics(validation, deps),
    registerCommand(COMMANDS.validateFile, log, async (uri?: vscode.Uri) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!doc) throw new Error('open an import file first');
      if (!isImportCandidate(doc) && !formats.explicit(doc)) throw new Error(`${vscode.workspace.asRelativePath(doc.uri)} is not a .jsonl file; choose its format first`);
      return validation.validateNow(doc);
    }),
    registerCommand(COMMANDS.selectFormat, log, (uri?: vscode.Uri | string, format?: string) => selectFormat(formats, uri, format)),
    registerCommand(COMMANDS.statusMenu, log, () => vscode.commands.executeCommand(COMMANDS.selectFormat)),
    registerCommand(COMMANDS.showLog, log, () => log.show()),
    registerCommand(COMMANDS.splitDataset, log, (uri?: vscode.Uri) => splitDataset(vscodeSplitUi, uri)),
  );

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    onDidValidate: validation.onDidValidate,
    report: (uri) => validation.report(uri),
    statusBarText: () => statusBar.text,
    activationMs,
    splitDataset: (ui, uri) => splitDataset(ui, uri),
  };
}

export function deactivate(): void {}
