/**
 * Advice in validation messages names what the place showing them offers: the command line's
 * options, or the editor's commands and settings. The command line's wording is the default.
 * Plain strings, so the options can cross to a worker thread.
 */
export interface ValidationHints {
  /** How to choose between candidate formats: ends "Choose one with …." */
  chooseFormat: string;
  /** How to name a file's format: "Name it with …: <format ids>." */
  nameFormat: string;
  /** How to name a tabular column of each role: "Name it with …." */
  tabularColumn: Record<'target' | 'weight' | 'split' | 'timestampSplit' | 'time' | 'series', string>;
  /** Ends "For a numeric target …." */
  regression: string;
}

export const CLI_VALIDATION_HINTS: ValidationHints = {
  // The command line reads no editor settings: naming vertexDatasets.formats here would point at one it ignores.
  chooseFormat: '--format',
  nameFormat: '--format',
  tabularColumn: {
    target: '--target NAME',
    weight: '--weight NAME',
    split: '--split-column NAME',
    timestampSplit: '--timestamp-split-column NAME',
    time: '--time-column NAME',
    series: '--series-column NAME',
  },
  regression: 'use --objective regression',
};

export const EDITOR_VALIDATION_HINTS: ValidationHints = {
  chooseFormat: '"Choose Import Format for This File" (or the vertexDatasets.formats setting)',
  nameFormat: '"Choose Import Format for This File" (or the vertexDatasets.formats setting)',
  tabularColumn: {
    target: 'the vertexDatasets.tabular.target setting',
    weight: 'the vertexDatasets.tabular.weight setting',
    split: 'the vertexDatasets.tabular.splitColumn setting',
    timestampSplit: 'the vertexDatasets.tabular.timestampSplitColumn setting',
    time: 'the vertexDatasets.tabular.timeColumn setting',
    series: 'the vertexDatasets.tabular.seriesColumn setting',
  },
  regression: 'set vertexDatasets.tabular.objective to regression',
};
