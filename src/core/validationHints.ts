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
}

export const CLI_VALIDATION_HINTS: ValidationHints = {
  chooseFormat: '--format (or the vertexDatasets.formats setting)',
  nameFormat: '--format',
};

export const EDITOR_VALIDATION_HINTS: ValidationHints = {
  chooseFormat: '"Choose Import Format for This File" (or the vertexDatasets.formats setting)',
  nameFormat: '"Choose Import Format for This File" (or the vertexDatasets.formats setting)',
};
