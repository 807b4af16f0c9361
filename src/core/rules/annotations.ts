/**
 * Annotation value rules shared by the JSONL and CSV validators: box coordinates, sentiment
 * ranges, time segment order and tracking instance ids. Inputs are plain numbers (already parsed
 * from JSON or from CSV cells); callers attach ranges. Facts: vertex-import-spec.md §1.3, §1.8,
 * §1.9-§1.11.
 */
import type { Problem } from './values';

export type BoxKey = 'xMin' | 'yMin' | 'xMax' | 'yMax';

export interface BoxProblem {
  key: BoxKey;
  problem: Problem;
  /** For swapped min/max: the two keys whose values should be exchanged. */
  swap?: [BoxKey, BoxKey];
}

/** Coordinates relative to the image (0..1, origin top-left) with min < max on each axis. */
export function boxProblems(box: Partial<Record<BoxKey, number>>): BoxProblem[] {
  const out: BoxProblem[] = [];
  const keys: BoxKey[] = ['xMin', 'yMin', 'xMax', 'yMax'];
  const outside = keys.filter((k) => box[k] !== undefined && ((box[k] as number) < 0 || (box[k] as number) > 1));
  if (outside.length) {
    const pixels = keys.every((k) => box[k] !== undefined && (box[k] as number) >= 0 && Number.isInteger(box[k])) && keys.some((k) => (box[k] as number) > 1);
    for (const key of outside) {
      const v = box[key];
      out.push({
        key,
        problem: {
          code: 'box.outOfRange',
          severity: 'error',
          message: pixels
            ? `${key} = ${v} looks like a pixel coordinate. Vertex expects coordinates relative to the image size, from 0 to 1: divide x by the image width and y by its height.`
            : `${key} = ${v} is outside 0..1. Box coordinates are relative to the image size, origin at the top-left.`,
          data: pixels ? { pixels: true } : undefined,
        },
      });
    }
  }
  for (const [lo, hi] of [['xMin', 'xMax'], ['yMin', 'yMax']] as const) {
    const loV = box[lo];
    const hiV = box[hi];
    if (loV === undefined || hiV === undefined) continue;
    if (loV > hiV) {
      out.push({
        key: lo,
        problem: { code: 'box.minMax', severity: 'error', message: `${lo} (${loV}) is greater than ${hi} (${hiV}); the values look swapped.`, data: { swapped: true } },
        swap: [lo, hi],
      });
    } else if (loV === hiV) {
      out.push({ key: lo, problem: { code: 'box.minMax', severity: 'error', message: `${lo} equals ${hi} (${loV}): the box has no ${lo[0] === 'x' ? 'width' : 'height'}.` } });
    }
  }
  return out;
}

/** Sentiment is 0..sentimentMax and sentimentMax is 1..10. */
export function sentimentProblems(sentiment: number | undefined, max: number | undefined): { key: 'sentiment' | 'sentimentMax'; problem: Problem }[] {
  const out: { key: 'sentiment' | 'sentimentMax'; problem: Problem }[] = [];
  if (max !== undefined && (max < 1 || max > 10)) {
    out.push({ key: 'sentimentMax', problem: { code: 'sentiment.range', severity: 'error', message: `sentimentMax must be from 1 to 10, found ${max}.` } });
  }
  if (sentiment !== undefined && (sentiment < 0 || (max !== undefined && sentiment > max))) {
    out.push({
      key: 'sentiment',
      problem: { code: 'sentiment.range', severity: 'error', message: `sentiment must be from 0 to sentimentMax${max !== undefined ? ` (${max})` : ''}, found ${sentiment}.` },
    });
  }
  return out;
}

/** End after start; action recognition allows equal times (a key frame). */
export function timeOrderProblem(start: number, end: number, keyFramesAllowed: boolean, endName = 'endTime', startName = 'startTime'): Problem | undefined {
  if (start > end || (!keyFramesAllowed && start === end)) {
    return {
      code: 'time.order',
      severity: 'error',
      message: keyFramesAllowed
        ? `${endName} must not be before ${startName} (${start}s); equal times mark a key frame.`
        : `${endName} must be after ${startName} (${start}s).`,
    };
  }
  return undefined;
}

/** A tracked object's instance id: a positive whole number, or -1 for none. */
export function instanceIdProblem(n: number | undefined, raw: string): Problem | undefined {
  if (n === undefined || !Number.isInteger(n) || (n < 1 && n !== -1)) {
    return {
      code: 'tracking.instanceId',
      severity: 'error',
      message: `instanceId must be a positive whole number identifying the object across frames ("-1" for none), found ${raw}.`,
    };
  }
  return undefined;
}
