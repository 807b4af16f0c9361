/**
 * Where ModelService.ExportModel writes a model (ExportModelRequest.OutputConfig): a format whose
 * exportable contents include ARTIFACT writes files to a Cloud Storage folder
 * (`artifact_destination`); one whose contents include IMAGE copies the model's container image to
 * Artifact Registry or Container Registry (`image_destination`).
 */

export type ExportDestination = { kind: 'artifact'; outputUriPrefix: string } | { kind: 'image'; imageUri: string };

/** A model's export format as Model.supported_export_formats lists it (contents: ARTIFACT, IMAGE). */
export interface ExportFormatInfo {
  id: string;
  exportableContents: readonly string[];
}

export const ARTIFACT_DESTINATION_HINT = 'gs://BUCKET/PREFIX';
export const IMAGE_DESTINATION_HINT = 'LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE[:TAG] or gcr.io/PROJECT/IMAGE[:TAG]';

// The forms ContainerRegistryDestination.output_uri accepts: Container Registry (gcr.io and its
// regional hosts) and Artifact Registry (LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE).
const GCR = /^(?:(?:us|eu|asia)\.)?gcr\.io\/[a-z0-9.:-]+(?:\/[a-z0-9._-]+)+(?::[\w][\w.-]{0,127})?$/;
const ARTIFACT_REGISTRY = /^[a-z0-9-]+-docker\.pkg\.dev\/[a-z0-9.:-]+\/[a-z0-9._-]+(?:\/[a-z0-9._-]+)+(?::[\w][\w.-]{0,127})?$/;

/** Reads `--to`: a `gs://` folder, or a container image URI; otherwise says what is expected. */
export function parseExportDestination(to: string): ExportDestination | { error: string } {
  const v = to.trim();
  if (/^gs:\/\/[^/\s]+/.test(v)) return { kind: 'artifact', outputUriPrefix: v };
  if (GCR.test(v) || ARTIFACT_REGISTRY.test(v)) return { kind: 'image', imageUri: v };
  if (/^(?:[\w.-]+\.)?(?:gcr\.io|docker\.pkg\.dev)\//.test(v) || /-docker\.pkg\.dev\//.test(v)) {
    return { error: `"${v}" is not a container image URI Vertex AI can export to: expected ${IMAGE_DESTINATION_HINT} (lower-case names).` };
  }
  return { error: `the export destination "${v}" is neither a Cloud Storage folder (${ARTIFACT_DESTINATION_HINT}, for formats that export files) nor a container image (${IMAGE_DESTINATION_HINT}, for formats that export an image).` };
}

/** What is wrong with exporting `format` to `destination` (its exportable contents do not include that kind), or undefined. */
export function exportDestinationProblem(format: ExportFormatInfo, destination: ExportDestination): string | undefined {
  const contents = format.exportableContents;
  if (destination.kind === 'image' && !contents.includes('IMAGE')) {
    return `export format "${format.id}" exports files (${contents.join(', ') || 'no contents listed'}), not a container image: give a Cloud Storage folder (${ARTIFACT_DESTINATION_HINT}).`;
  }
  if (destination.kind === 'artifact' && !contents.includes('ARTIFACT')) {
    return `export format "${format.id}" exports a container image (${contents.join(', ') || 'no contents listed'}), not files: give an image URI (${IMAGE_DESTINATION_HINT}).`;
  }
  return undefined;
}

/** The format to use without `--format`: the model's first format that fits the destination's kind. */
export function defaultExportFormat(formats: readonly ExportFormatInfo[], destination: ExportDestination): ExportFormatInfo | undefined {
  return formats.find((f) => exportDestinationProblem(f, destination) === undefined);
}
