/**
 * Typed access to the `vertexDatasets.*` settings. Values are read on every use (never cached in
 * module state) so folder-level settings and live changes are always honoured.
 */
import * as vscode from 'vscode';
import { isFormatId, type FormatId } from '../core/formats';

const SECTION = 'vertexDatasets';

/** The tabular options the CLI takes as flags (`--target`...), set per folder in the editor. */
export interface TabularSettings {
  target?: string;
  weight?: string;
  splitColumn?: string;
  timestampSplitColumn?: string;
  objective?: 'classification' | 'regression' | 'forecasting';
  timeColumn?: string;
  seriesColumn?: string;
}

const TABULAR_COLUMNS = ['target', 'weight', 'splitColumn', 'timestampSplitColumn', 'timeColumn', 'seriesColumn'] as const;
const OBJECTIVES = ['classification', 'regression', 'forecasting'] as const;

export interface Settings {
  /** Glob → format id mappings that apply to `resource` (invalid format ids are dropped and logged). */
  formats(resource: vscode.Uri): { glob: string; format: FormatId }[];
  /** Most problems reported per file. */
  maxProblems(resource: vscode.Uri): number;
  /** Whether dataset-level checks (label counts, splits, duplicates) run on each file. */
  datasetChecks(resource: vscode.Uri): boolean;
  /** Whether findings that only block training are errors (the CLI's `--strict`). */
  strict(resource: vscode.Uri): boolean;
  /** Tabular CSV columns and objective (`vertexDatasets.tabular.*`); empty settings are left out. */
  tabular(resource: vscode.Uri): TabularSettings;
  /** True when the change affects any setting of this extension. */
  affected(e: vscode.ConfigurationChangeEvent): boolean;
}

export function createSettings(log: vscode.LogOutputChannel): Settings {
  return {
    formats(resource) {
      const raw = vscode.workspace.getConfiguration(SECTION, resource).get<Record<string, unknown>>('formats') ?? {};
      const out: { glob: string; format: FormatId }[] = [];
      for (const [glob, format] of Object.entries(raw)) {
        if (typeof format === 'string' && isFormatId(format)) out.push({ glob, format });
        else log.warn(`vertexDatasets.formats: "${glob}" maps to ${JSON.stringify(format)}, which is not a format id; ignored`);
      }
      return out;
    },
    maxProblems(resource) {
      const n = vscode.workspace.getConfiguration(SECTION, resource).get<number>('maxProblems', 1000);
      return Number.isInteger(n) && n > 0 ? n : 1000;
    },
    tabular(resource) {
      const config = vscode.workspace.getConfiguration(`${SECTION}.tabular`, resource);
      const out: TabularSettings = {};
      for (const key of TABULAR_COLUMNS) {
        const v = config.get<unknown>(key);
        if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim();
      }
      const objective = config.get<unknown>('objective');
      if (typeof objective === 'string' && objective !== '') {
        if ((OBJECTIVES as readonly string[]).includes(objective)) out.objective = objective as TabularSettings['objective'];
        else log.warn(`vertexDatasets.tabular.objective: "${objective}" is not one of ${OBJECTIVES.join(', ')}; ignored`);
      }
      return out;
    },
    datasetChecks: (resource) => vscode.workspace.getConfiguration(SECTION, resource).get<boolean>('datasetChecks', true) !== false,
    strict: (resource) => vscode.workspace.getConfiguration(SECTION, resource).get<boolean>('strict', false) === true,
    affected: (e) => e.affectsConfiguration(SECTION),
  };
}
