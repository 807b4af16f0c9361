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
 * buffers, the rest, including files too large for the editor, streamed from disk in a worker
 * thread), with progress by bytes within each file and cancellation.
 */
export async function validateWorkspace(service: ValidationService, log: vscode.LogOutputChannel): Promise<WorkspaceSummary> {
  const uris = await vscode.workspace.findFiles('**/*.{jsonl,csv}', '{**/node_modules/**,**/.git/**}', 10_000);
  const summary: WorkspaceSummary = { files: uris.length, importFiles: 0, errors: 0, warnings: 0, cancelled: false };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Validating import files', cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const share = 100 / Math.max(1, uris.length);
      let reported = 0;
      try {
        for (const [i, uri] of uris.entries()) {
          if (token.isCancellationRequested) {
            summary.cancelled = true;
            break;
          }
          const label = `${i + 1}/${uris.length} ${vscode.workspace.asRelativePath(uri)}`;
          progress.report({ message: label, increment: i * share - reported });
          reported = i * share;
          try {
            const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
            let lastPct = -1;
            const r = open
              ? await service.validateNow(open)
              : await service.validateFromDisk(uri, {
                  signal: abort.signal,
                  onProgress: (bytes, total) => {
                    const pct = total > 0 ? Math.floor((bytes / total) * 100) : 100;
                    if (pct === lastPct) return;
                    lastPct = pct;
                    const at = i * share + (share * pct) / 100;
                    progress.report({ message: `${label} (${pct}%)`, increment: at - reported });
                    reported = at;
                  },
                });
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
