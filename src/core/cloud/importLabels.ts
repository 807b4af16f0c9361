/**
 * Checks the labels `vertex-datasets import --label / --annotation-label` puts in
 * `ImportDataConfig.dataItemLabels` / `annotationLabels`, by the rules the validator applies to
 * `dataItemResourceLabels` / `annotationResourceLabels` in a file (vertex-import-spec.md §3):
 * the one system key each level allows, its values, and user label keys and values. A label
 * Vertex would refuse is caught before anything is uploaded or created.
 */
import type { MlUse } from '../formats';
import { ANNOTATION_SET_KEY, ML_USE_KEY, RESERVED_LABEL_PREFIX } from '../formats';
import { checkMlUse, userLabelProblem } from '../rules/values';

export function importLabelProblems(labels: Readonly<Record<string, string>>, level: 'item' | 'annotation', mlUseValues: readonly MlUse[]): string[] {
  const out: string[] = [];
  let user = 0;
  for (const [key, value] of Object.entries(labels)) {
    const bare = key.startsWith(RESERVED_LABEL_PREFIX) ? key.slice(RESERVED_LABEL_PREFIX.length) : key;
    if (key === ML_USE_KEY || /^ml[_-]?use$/i.test(bare)) {
      if (level === 'annotation') out.push(`ml_use is an item label: give it with --label ${ML_USE_KEY}=VALUE, not --annotation-label.`);
      else if (key !== ML_USE_KEY) out.push(`"${key}" is not read as the split: the key must be "${ML_USE_KEY}".`);
      else {
        const problem = checkMlUse(value, mlUseValues).problem;
        if (problem) out.push(problem.message);
      }
      continue;
    }
    if (key.startsWith(RESERVED_LABEL_PREFIX)) {
      if (level === 'annotation' && key === ANNOTATION_SET_KEY) {
        if (!value.trim()) out.push('The annotation set name is empty; give the display name of an existing annotation set.');
        continue;
      }
      const allowed = level === 'item' ? ML_USE_KEY : ANNOTATION_SET_KEY;
      out.push(`"${key}" is reserved: keys starting with "${RESERVED_LABEL_PREFIX}" are system labels, and the only one allowed here is "${allowed}".`);
      continue;
    }
    user++;
    const kp = userLabelProblem(key, 'key');
    if (kp) out.push(kp.message);
    const vp = userLabelProblem(value, 'value');
    if (vp) out.push(vp.message);
  }
  if (user > 64) out.push(`${user} user labels are given; Vertex AI allows at most 64.`);
  return out;
}
