/**
 * Advice in split notes and errors names what the place showing them offers: the command line's
 * `vertex-datasets validate` and options, or the editor's Problems view, commands and wizard.
 */
export interface SplitHints {
  /** Ends "line is not valid JSON; it was left unchanged (…)". */
  seeWhy: string;
  /** Where a header row of an image/text/video CSV is reported. */
  headerReported: string;
  /** Where rows with more fields than the header are listed. */
  rowsListed: string;
  /** Where to read the problems beyond the notes kept. */
  further: string;
  /** How a tabular CSV is chosen when its first columns hold paths. */
  tabularChoice: string;
  /** The group key the user gave. */
  groupKey: string;
  /** Ends "the item is placed as if …". */
  noGroupKey: string;
  /** An example of fractions as the user gives them. */
  fractionsExample: string;
  /** Where every label's counts per split can be read when the report shows only some. */
  allLabels: string;
}

export const CLI_HINTS: SplitHints = {
  seeWhy: 'run `vertex-datasets validate` to see why',
  headerReported: '`vertex-datasets validate` reports it',
  rowsListed: 'vertex-datasets validate lists such rows',
  further: 'see `vertex-datasets validate`',
  tabularChoice: 'needs --format tabular',
  groupKey: 'the group key of --by',
  noGroupKey: '--by were not given',
  fractionsExample: '--fractions 0.8,0.1,0.1',
  allLabels: '--output json lists all',
};

export const EDITOR_HINTS: SplitHints = {
  seeWhy: 'the Problems view shows why; for a file that is not open, run "Validate Import File"',
  headerReported: 'the Problems view reports it',
  rowsListed: 'the Problems view lists such rows',
  further: 'see the Problems view, or run "Validate Import File" for a file that is not open',
  tabularChoice: 'can only be split from the command line (`vertex-datasets split --format tabular`)',
  groupKey: 'the group field you entered',
  noGroupKey: 'no group field were entered',
  fractionsExample: '0.8,0.1,0.1',
  allLabels: 'after the split, "Show Statistics" charts every label per split',
};
