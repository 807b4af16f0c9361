/** Plain JSON values: what `helpers.toValue` turns into `google.protobuf.Value`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** One thing wrong with a request: the field (dotted path in the request) and what to do. */
export interface Problem {
  field: string;
  message: string;
}

export type BuildResult<T> = { ok: true; request: T; warnings: string[] } | { ok: false; problems: Problem[]; warnings: string[] };

export const RESOURCE_ID = /^[A-Za-z0-9_-]+$/;

/** `projects/{p}/locations/{l}` */
export function locationName(project: string, location: string): string {
  return `projects/${project}/locations/${location}`;
}

/** Splits a dataset given as an id or a full resource name into its parts. */
export function parseDatasetRef(ref: string): { project?: string; location?: string; datasetId: string } | undefined {
  const full = /^projects\/([^/]+)\/locations\/([^/]+)\/datasets\/([^/]+)$/.exec(ref);
  if (full) return { project: full[1], location: full[2], datasetId: full[3] };
  return RESOURCE_ID.test(ref) ? { datasetId: ref } : undefined;
}
