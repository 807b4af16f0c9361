/**
 * BigQuery source URIs for tabular and forecasting datasets: `bq://project.dataset.table`.
 * Facts: vertex-import-spec.md §2.1 (URI form), §3 (BigQuerySource URI ≤ 2,000 characters).
 * Naming rules are BigQuery's: project ids 6-30 characters of lowercase letters, digits and
 * hyphens starting with a letter (optionally `domain:` scoped); dataset ids letters, digits and
 * underscores (≤ 1,024); table ids Unicode letters, marks, numbers, connectors, dashes and spaces
 * (≤ 1,024 UTF-8 bytes).
 */

export const BIGQUERY_URI_MAX_LENGTH = 2000;

export interface BigQueryTable {
  project: string;
  dataset: string;
  table: string;
}

/** One problem with a value; `start`/`end` are UTF-16 offsets into the value (end exclusive). */
export interface ValueProblem {
  code: string;
  message: string;
  start: number;
  end: number;
}

const PROJECT = /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET = /^[A-Za-z0-9_]{1,1024}$/;
const TABLE = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]+$/u;

export function parseBigQueryUri(uri: string): BigQueryTable | undefined {
  return checkBigQueryUri(uri).table;
}

export function checkBigQueryUri(uri: string): { table?: BigQueryTable; problems: ValueProblem[] } {
  const problems: ValueProblem[] = [];
  const whole = (code: string, message: string) => problems.push({ code, message, start: 0, end: uri.length });
  if (!uri.startsWith('bq://')) {
    whole('value.bigQueryUri', `'${short(uri)}' is not a BigQuery URI. Expected bq://PROJECT.DATASET.TABLE.`);
    return { problems };
  }
  if (uri.length > BIGQUERY_URI_MAX_LENGTH) {
    whole('value.bigQueryUri.tooLong', `The BigQuery URI is ${uri.length.toLocaleString('en-US')} characters long; Vertex AI accepts at most ${BIGQUERY_URI_MAX_LENGTH.toLocaleString('en-US')}.`);
  }
  const rest = uri.slice(5);
  const lastDot = rest.lastIndexOf('.');
  const prevDot = lastDot > 0 ? rest.lastIndexOf('.', lastDot - 1) : -1;
  if (lastDot < 0 || prevDot < 0) {
    const colonForm = /^[^.:]+:[^.:]+:[^.:]+$/.test(rest) || /^[^.:]+:[^.:]+\.[^.:]+$/.test(rest);
    whole(
      'value.bigQueryUri',
      colonForm
        ? `'${short(uri)}' separates the parts with ':'. A BigQuery source is written bq://PROJECT.DATASET.TABLE, with dots.`
        : `'${short(uri)}' does not name a table. Expected bq://PROJECT.DATASET.TABLE (three parts separated by dots).`,
    );
    return { problems };
  }
  const project = rest.slice(0, prevDot);
  const dataset = rest.slice(prevDot + 1, lastDot);
  const table = rest.slice(lastDot + 1);
  const at = (from: number, to: number) => ({ start: 5 + from, end: 5 + to });
  if (!PROJECT.test(project)) {
    problems.push({
      code: 'value.bigQueryUri.project',
      message: `'${short(project)}' is not a valid project id: 6-30 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.`,
      ...at(0, Math.max(prevDot, 1)),
    });
  }
  if (!DATASET.test(dataset)) {
    problems.push({
      code: 'value.bigQueryUri.dataset',
      message: `'${short(dataset)}' is not a valid dataset id: 1-1,024 letters, digits and underscores.`,
      ...at(prevDot + 1, Math.max(lastDot, prevDot + 2)),
    });
  }
  if (table.length === 0 || !TABLE.test(table) || Buffer.byteLength(table, 'utf8') > 1024) {
    problems.push({
      code: 'value.bigQueryUri.table',
      message: `'${short(table)}' is not a valid table id: 1-1,024 bytes of letters, marks, numbers, underscores, dashes and spaces.`,
      ...at(lastDot + 1, Math.max(rest.length, lastDot + 2)),
    });
  }
  return problems.length ? { problems } : { table: { project, dataset, table }, problems };
}

function short(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
