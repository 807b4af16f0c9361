/** Where the diagnostic codes are documented (README section "Diagnostic codes"), one anchor per code. */
export const PROJECT_URL = 'https://github.com/vertex-datasets/vertex-datasets';

export function codeDocUrl(code: string): string {
  return `${PROJECT_URL}#${code.replace(/\./g, '').toLowerCase()}`;
}
