/**
 * Format detection for JSONL: sniffs the top-level keys of the first lines. Confident only when
 * the keys point at one format; otherwise says so and lists the candidates.
 */
import type { JsonlFormatId } from '../formats';
import type { Detection } from '../validate';

type Obj = Record<string, unknown>;

const IMAGE: JsonlFormatId[] = ['image-classification-single-label', 'image-classification-multi-label', 'image-bounding-box', 'image-segmentation'];
const TEXT: JsonlFormatId[] = ['text-classification-single-label', 'text-classification-multi-label', 'text-extraction', 'text-sentiment'];
const VIDEO: JsonlFormatId[] = ['video-classification', 'video-action-recognition', 'video-object-tracking'];

function norm(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** Candidate formats for one parsed line, most likely first; empty when it is no import line. */
export function candidatesFor(obj: Obj): JsonlFormatId[] {
  const keys = new Set(Object.keys(obj).map(norm));
  const has = (k: string) => keys.has(k.toLowerCase());
  if (has('videoGcsUri')) {
    if (has('temporalBoundingBoxAnnotations')) return ['video-object-tracking'];
    if (has('timeSegments') || has('actionAnnotations')) return ['video-action-recognition'];
    const segs = obj.timeSegmentAnnotations;
    if (Array.isArray(segs) && segs.length > 0) {
      const keyFrame = segs.some((s) => typeof s === 'object' && s !== null && (s as Obj).startTime !== undefined && (s as Obj).startTime === (s as Obj).endTime);
      return keyFrame ? ['video-action-recognition'] : ['video-classification', 'video-action-recognition'];
    }
    return VIDEO;
  }
  if (has('imageGcsUri')) {
    if (has('boundingBoxAnnotations') || has('objectAnnotations')) return ['image-bounding-box'];
    if (has('segmentationAnnotation') || has('segmentationAnnotations')) return ['image-segmentation'];
    if (has('classificationAnnotations')) return ['image-classification-multi-label'];
    if (has('classificationAnnotation')) return ['image-classification-single-label'];
    return IMAGE;
  }
  if (has('textContent') || has('textGcsUri')) {
    if (has('textSegmentAnnotations')) return ['text-extraction'];
    if (has('sentimentAnnotation')) return ['text-sentiment'];
    if (has('classificationAnnotations')) return ['text-classification-multi-label'];
    if (has('classificationAnnotation')) return ['text-classification-single-label'];
    return TEXT;
  }
  return [];
}

const KEY = /"([A-Za-z_][A-Za-z0-9_]*)"\s*:/g;

/** The keys written in a line that does not parse, as an object of those keys (for `candidatesFor`). */
function keysOf(line: string): Obj {
  const obj: Obj = {};
  for (const m of line.matchAll(KEY)) obj[m[1]] = true;
  return obj;
}

/**
 * Detects the format from parsed sample lines. `broken`: sample lines that did not parse (JSON
 * syntax errors, or a first line longer than the sample); only when no line parsed are their key
 * names used, for a guess that is never certain, so the file is still validated and its syntax
 * errors reported.
 */
export function detectJsonlFormat(samples: readonly Obj[], broken: readonly string[] = []): Detection {
  if (samples.length === 0 && broken.length > 0) {
    const guess = detectJsonlFormat(broken.map(keysOf));
    const none = broken.length === 1 ? 'the first non-blank line read does not parse as JSON' : `none of the first ${broken.length} non-blank lines read parses as JSON`;
    if (!guess.format) return { confidence: 'none', candidates: [], reason: `${none}, and ${broken.length === 1 ? 'it names' : 'they name'} none of imageGcsUri, videoGcsUri, textContent or textGcsUri` };
    return { confidence: 'ambiguous', format: guess.format, candidates: guess.candidates, reason: `${none}; guessed from the key names written in ${broken.length === 1 ? 'it' : 'them'}` };
  }
  let common: JsonlFormatId[] | undefined;
  const votes = new Map<JsonlFormatId, number>();
  let importLines = 0;
  for (const obj of samples) {
    const c = candidatesFor(obj);
    if (c.length === 0) continue;
    importLines++;
    if (c.length === 1) votes.set(c[0], (votes.get(c[0]) ?? 0) + 1);
    common = common ? common.filter((f) => c.includes(f)) : c;
  }
  if (importLines === 0) {
    return { confidence: 'none', candidates: [], reason: 'no line has imageGcsUri, videoGcsUri, textContent or textGcsUri' };
  }
  if (common && common.length === 1) {
    return { confidence: 'certain', format: common[0], candidates: common, reason: `keys of the ${importLines === 1 ? 'first item match' : `first ${importLines} items match`} ${common[0]}` };
  }
  if (common && common.length > 1) {
    return {
      confidence: 'ambiguous',
      format: common[0],
      candidates: common,
      reason: `the items carry no annotations that tell ${common.join(', ')} apart`,
    };
  }
  // Lines disagree: the most voted format wins, and the result is not confident.
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  return { confidence: 'ambiguous', format: ranked[0], candidates: ranked, reason: `the first lines look like different formats (${ranked.join(', ')})` };
}
