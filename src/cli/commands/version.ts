/**
 * `vertex-datasets version create|list|restore`: dataset versions. Restore replaces the
 * dataset's current data items, so it asks for --yes.
 */
import { parseCommand } from '../args';
import type { CliIo } from '../io';
import { buildCreateVersion, datasetName, versionName } from '../../core/training/versions';
import { CONNECTION_HELP, CONNECTION_OPTIONS, Usage, cloudErrorMessage, open, outputMode, printJson, printProblems, resolveDataset } from '../cloudCommand';

export const HELP = `Usage: vertex-datasets version <subcommand> DATASET [options]

Subcommands:
  create DATASET [--description TEXT]     snapshot the dataset as a new version
  list DATASET                            versions of the dataset, newest first
  restore DATASET VERSION --yes           replace the dataset's data with a version's

DATASET is a dataset id, resource name or display name; VERSION a version id or resource name.

${CONNECTION_HELP}

Exit status: 0 ok; 1 the service refused; 2 usage problem.
`;

const OPTIONS = { ...CONNECTION_OPTIONS, description: { type: 'string' }, yes: { type: 'boolean' } } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand('version', args, io, OPTIONS, HELP);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const [sub, dataset, version] = positionals;
  if (!sub) {
    io.out(HELP);
    return 2;
  }
  const fail = (reason: string, code = 2) => {
    io.err(`vertex-datasets version ${sub}: ${reason}\n`);
    return code;
  };
  if (!['create', 'list', 'restore'].includes(sub)) return fail('unknown subcommand (try --help)');
  if (!dataset) return fail('give the DATASET id, resource name or display name');
  if (sub === 'restore' && !version) return fail('give the VERSION to restore');
  if (sub === 'restore' && !v.yes) return fail(`restoring replaces the current data items of ${dataset} with those of version ${version}; pass --yes to confirm`);
  let json: boolean;
  try {
    json = outputMode(v) === 'json';
  } catch (e) {
    return fail((e as Usage).message);
  }
  let opened;
  try {
    opened = await open(v);
  } catch (e) {
    return fail(await cloudErrorMessage(e, v), ['MissingProjectError', 'InvalidRegionError'].includes((e as Error).name) ? 2 : 1);
  }
  const { cloud, project, region } = opened;
  try {
    const datasetRef = await resolveDataset(opened, dataset);
    if (sub === 'create') {
      const built = buildCreateVersion(project, region, datasetRef, v.description);
      if (!built.ok) {
        printProblems(io, 'version create', built.problems, json);
        return 2;
      }
      if (!json) io.err(`Creating a version of ${built.request.parent}…\n`);
      const created = await cloud.createDatasetVersion(built.request);
      if (json) printJson(io, created);
      else io.out(`Created version ${created.id}${created.displayName ? ` "${created.displayName}"` : ''} (${created.name})\n`);
      return 0;
    }
    if (sub === 'list') {
      const name = datasetName(project, region, datasetRef);
      if (!name) return fail(`'${dataset}' is not a dataset id or resource name`);
      const list = (await cloud.listDatasetVersions(name)).sort((a, b) => (b.createTime ?? '').localeCompare(a.createTime ?? ''));
      if (json) printJson(io, list);
      else if (!list.length) io.out(`${name} has no versions.\n`);
      else for (const x of list) io.out(`${x.id}  ${x.createTime ?? ''}  ${x.displayName}\n`);
      return 0;
    }
    const name = versionName(project, region, datasetRef, version);
    if (!name) return fail(`'${version}' is not a version id or resource name`);
    if (!json) io.err(`Restoring ${name}…\n`);
    const restored = await cloud.restoreDatasetVersion(name);
    if (json) printJson(io, restored);
    else io.out(`Restored ${datasetRef} to version ${restored.id}${restored.displayName ? ` "${restored.displayName}"` : ''}.\n`);
    return 0;
  } catch (e) {
    if (e instanceof Usage) return fail(e.message);
    return fail(await cloudErrorMessage(e, v), 1);
  } finally {
    await opened.close();
  }
}
