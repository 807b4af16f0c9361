/**
 * The one list of command ids (mirrored in package.json `contributes.commands`) and the wrapper
 * every handler goes through: failures are logged with their stack and shown once.
 */
import * as vscode from 'vscode';
import { commandErrorText } from './cloud/session';

export const COMMANDS = {
  validateFile: 'vertexDatasets.validateFile',
  selectFormat: 'vertexDatasets.selectFormat',
  statusMenu: 'vertexDatasets.statusMenu',
  showLog: 'vertexDatasets.showLog',
  showStatistics: 'vertexDatasets.showStatistics',
  showFolderStatistics: 'vertexDatasets.showFolderStatistics',
  validateWorkspace: 'vertexDatasets.validateWorkspace',
  openExample: 'vertexDatasets.openExample',
  importToVertex: 'vertexDatasets.importToVertex',
  datasetsImportHere: 'vertexDatasets.datasets.importHere',
  datasetsRefresh: 'vertexDatasets.datasets.refresh',
  datasetsLoadMore: 'vertexDatasets.datasets.loadMore',
  datasetsFilter: 'vertexDatasets.datasets.filter',
  datasetsOpenInConsole: 'vertexDatasets.datasets.openInConsole',
  datasetsCopyResourceName: 'vertexDatasets.datasets.copyResourceName',
  datasetsDelete: 'vertexDatasets.datasets.delete',
  splitDataset: 'vertexDatasets.splitDataset',
  datasetsCreateTabular: 'vertexDatasets.datasets.createTabular',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export function registerCommand<A extends unknown[]>(
  id: CommandId,
  log: vscode.LogOutputChannel,
  handler: (...args: A) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...(args as A));
    } catch (e) {
      log.error(`command ${id} failed`, e);
      void vscode.window.showErrorMessage(`Vertex Datasets: ${commandErrorText(e)}`, 'Show Log').then((a) => {
        if (a) log.show();
      });
      return undefined;
    }
  });
}
