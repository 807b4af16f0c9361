/**
 * Pixel boxes → relative boxes. The validator flags a bounding box whose coordinates look like
 * pixels (`box.outOfRange` with `data.pixels`) but cannot fix it: the import file does not say how
 * large the image is. With the size from a media sidecar (`parseMediaSidecar`), the fix divides x by
 * the image width and y by its height, for all four coordinates of the box at once.
 */
import { findNodeAtLocation, findNodeAtOffset, getNodePath, getNodeValue, parseTree, type Node } from 'jsonc-parser';
import type { MediaTable } from '../dataset/media';
import type { JsonFix, JsonPath } from './rules';

const KEYS = ['xMin', 'yMin', 'xMax', 'yMax'] as const;

export interface PixelBoxFix {
  fixes: JsonFix[];
  width: number;
  height: number;
}

/** True for a finding the pixel fix may apply to. */
export function isPixelBoxFinding(d: { code: string; data?: unknown }): boolean {
  return d.code === 'box.outOfRange' && (d.data as { pixels?: unknown } | undefined)?.pixels === true;
}

/** Six decimals: under a tenth of a pixel on a 10,000-pixel side. */
const round = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The fixes that normalise the box holding the coordinate at `column` (1-based, UTF-16) of `line`,
 * or undefined when the line changed, the image has no known size, or the box does not fit in the
 * image (pixel coordinates beyond its width or height: the size or the box is wrong).
 */
export function pixelBoxFix(line: string, column: number, media: MediaTable): PixelBoxFix | undefined {
  const tree = parseTree(line);
  if (!tree || tree.type !== 'object') return undefined;
  const at = findNodeAtOffset(tree, column - 1, true);
  if (!at) return undefined;
  // The finding underlines a coordinate's value; its parent object is the box.
  const valuePath = getNodePath(at.type === 'property' ? (at.children?.[1] ?? at) : at);
  const key = valuePath[valuePath.length - 1];
  if (typeof key !== 'string' || !(KEYS as readonly string[]).includes(key)) return undefined;
  const boxPath: JsonPath = valuePath.slice(0, -1);
  const box = boxPath.length ? findNodeAtLocation(tree, boxPath) : tree;
  if (!box || box.type !== 'object') return undefined;
  const uriNode = findNodeAtLocation(tree, ['imageGcsUri']);
  const uri = uriNode?.type === 'string' ? (uriNode.value as string) : undefined;
  const size = uri === undefined ? undefined : media.get(uri);
  if (!size?.width || !size.height) return undefined;
  const values: number[] = [];
  for (const k of KEYS) {
    const node: Node | undefined = findNodeAtLocation(box, [k]);
    const raw: unknown = node ? getNodeValue(node) : undefined;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 0) return undefined;
    values.push(n);
  }
  const [xMin, yMin, xMax, yMax] = values;
  if (xMax > size.width || xMin > size.width || yMax > size.height || yMin > size.height) return undefined;
  const next = [xMin / size.width, yMin / size.height, xMax / size.width, yMax / size.height].map(round);
  return { fixes: KEYS.map((k, i) => ({ path: [...boxPath, k], value: next[i] })), width: size.width, height: size.height };
}
