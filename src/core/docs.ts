/** Where the diagnostic codes are documented (README section "Diagnostic codes"), one anchor per code. */
export const PROJECT_URL = 'https://github.com/vertex-datasets/vertex-datasets';

/** The README anchor of a code: GitHub's heading-style id (lowercase, dots dropped). */
export function codeAnchor(code: string): string {
  return code.replace(/\./g, '').toLowerCase();
}

export function codeDocUrl(code: string): string {
  return `${PROJECT_URL}#${codeAnchor(code)}`;
}
