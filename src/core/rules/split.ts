/**
 * Values of a tabular split column (PredefinedSplit key): `training`, `validation` or `test`.
 * Rows with a missing or invalid value are ignored by Vertex AI (vertex-import-spec.md §2.4).
 */

export interface SplitProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  replacement?: string;
}

const CANONICAL = new Set(['training', 'validation', 'test']);
const NEAR: Record<string, string> = {
  train: 'training',
  training: 'training',
  trainning: 'training',
  validate: 'validation',
  validation: 'validation',
  valid: 'validation',
  val: 'validation',
  eval: 'validation',
  test: 'test',
  testing: 'test',
};

export function checkSplitValue(value: string, column: string): SplitProblem | undefined {
  if (CANONICAL.has(value)) return undefined;
  if (value.length === 0) {
    return {
      severity: 'warning',
      code: 'tabular.split.empty',
      message: `The split column '${column}' is empty in this row, so Vertex AI ignores the row in a predefined split. Use training, validation or test.`,
    };
  }
  const lower = value.trim().toLowerCase();
  if (lower === 'unassigned') {
    return {
      severity: 'error',
      code: 'tabular.split.invalid',
      message: `'${value}' is a legacy AutoML split value. Vertex AI takes training, validation or test in '${column}'; leave the cell empty only if the row should be ignored.`,
    };
  }
  const fix = NEAR[lower];
  if (fix && value.trim().toLowerCase() === fix && value !== fix) {
    return {
      severity: 'warning',
      code: 'tabular.split.case',
      message: `Split value '${value}' should be written '${fix}' (lowercase).`,
      replacement: fix,
    };
  }
  return {
    severity: 'error',
    code: 'tabular.split.invalid',
    message: `'${value.length > 40 ? value.slice(0, 37) + '...' : value}' is not a split value; '${column}' must be training, validation or test${fix ? ` (did you mean '${fix}'?)` : ''}. Rows with other values are left out of the predefined split.`,
    ...(fix ? { replacement: fix } : {}),
  };
}
