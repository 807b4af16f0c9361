/**
 * Dataset version requests (vertex-import-spec.md §4.2, P-DSVER). DatasetVersion has no
 * description field: the user's description becomes the version's display name.
 */
import type { BuildResult } from './json';
import { parseDatasetRef } from './json';

export interface CreateDatasetVersionRequest {
  parent: string;
  datasetVersion: { displayName?: string };
}

function datasetName(project: string, location: string, dataset: string): string | undefined {
  const ds = parseDatasetRef(dataset);
  if (!ds) return undefined;
  return `projects/${ds.project ?? project}/locations/${ds.location ?? location}/datasets/${ds.datasetId}`;
}

export function buildCreateVersion(project: string, location: string, dataset: string, description?: string): BuildResult<CreateDatasetVersionRequest> {
  const parent = datasetName(project, location, dataset);
  const problems = [];
  if (!parent) problems.push({ field: 'parent', message: `'${dataset}' is not a dataset id or resource name.` });
  if (description !== undefined && description.length > 128) {
    problems.push({ field: 'datasetVersion.displayName', message: `The description has ${description.length} characters; a version's display name holds at most 128.` });
  }
  if (problems.length || !parent) return { ok: false, problems, warnings: [] };
  return { ok: true, request: { parent, datasetVersion: description ? { displayName: description } : {} }, warnings: [] };
}

export const DATASET_VERSION = /^projects\/[^/]+\/locations\/[^/]+\/datasets\/[^/]+\/datasetVersions\/[^/]+$/;

/** The full version name from a version id (with its dataset) or a full name. */
export function versionName(project: string, location: string, dataset: string, version: string): string | undefined {
  if (DATASET_VERSION.test(version)) return version;
  const parent = datasetName(project, location, dataset);
  return parent && /^[A-Za-z0-9_-]+$/.test(version) ? `${parent}/datasetVersions/${version}` : undefined;
}

export { datasetName };
