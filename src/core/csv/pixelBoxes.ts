/**
 * CSV boxes in pixels → relative coordinates, as src/core/jsonl/pixelBoxes.ts does for JSONL: the
 * validator's finding names the image and the box's coordinate cells (`data.uri`,
 * `data.pixelCells`); with the image's size from a media sidecar, each cell is divided by the
 * image's width (x) or height (y).
 */
import type { MediaTable } from '../dataset/media';
import type { CsvCellEdit, CsvPixelCell } from './layouts';

/** Six decimals: under a tenth of a pixel on a 10,000-pixel side. */
const round = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The cell edits that normalise the box of a pixel finding, or undefined when the image has no
 * known size or the box does not fit in it (the size or the box is wrong).
 */
export function csvPixelBoxFix(data: unknown, media: MediaTable): { edits: CsvCellEdit[]; width: number; height: number } | undefined {
  const d = data as { pixels?: unknown; uri?: unknown; pixelCells?: unknown } | undefined;
  if (d?.pixels !== true || typeof d.uri !== 'string' || !Array.isArray(d.pixelCells)) return undefined;
  const size = media.get(d.uri);
  if (!size?.width || !size.height) return undefined;
  const edits: CsvCellEdit[] = [];
  for (const cell of d.pixelCells as CsvPixelCell[]) {
    const side = cell.axis === 'x' ? size.width : size.height;
    if (!Number.isInteger(cell.pixels) || cell.pixels < 0 || cell.pixels > side) return undefined;
    edits.push({ line: cell.line, column: cell.column, endLine: cell.endLine, endColumn: cell.endColumn, value: String(round(cell.pixels / side)) });
  }
  return edits.length ? { edits, width: size.width, height: size.height } : undefined;
}
