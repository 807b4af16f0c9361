import * as vscode from 'vscode';
import type { ValidationService } from '../diagnostics';

export interface WorkspaceSummary {
  files: number;
  importFiles: number;
  errors: number;
  warnings: number;
  cancelled: boolean;
}

/**
 * "Validate Workspace Import Files": every .jsonl/.csv in the workspace (open ones from their
 * buffers, the rest streamed from disk), with progress and cancellation.
 */
export async function validateWorkspace(service: ValidationService, log: vscode.LogOutputChannel): Promise<WorkspaceSummary> {
  const uris = await vscode.workspace.findFiles('**/*.{jsonl,csv}', '{**/node_modules/**,**/.git/**}', 10_000);
  const summary: WorkspaceSummary = { files: uris.length, importFiles: 0, errors: 0, warnings: 0, cancelled: false };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Validating import files', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        for (const [i, uri] of uris.entries()) {
          if (token.isCancellationRequested) {
            summary.cancelled = true;
            break;
          }
          progress.report({ message: `${i + 1}/${uris.length} ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / uris.length });
          try {
            const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
            const r = open ? await service.validateNow(open) : await service.validateClosedFile(uri, abort.signal);
            if (r?.format) {
              summary.importFiles++;
              summary.errors += r.errors;
              summary.warnings += r.warnings;
            }
          } catch (e) {
            log.warn(`could not validate ${uri.fsPath}: ${(e as Error).message}`);
          }
        }
      } finally {
        sub.dispose();
      }
    },
  );
  log.info(`workspace validation: ${summary.importFiles} import files of ${summary.files}, ${summary.errors} errors, ${summary.warnings} warnings${summary.cancelled ? ' (cancelled)' : ''}`);
  return summary;
}
