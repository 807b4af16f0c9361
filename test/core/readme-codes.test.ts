import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { datasetCodesMarkdown } from '../../src/core/dataset/codes';
import { codeAnchor } from '../../src/core/docs';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every diagnostic code written in the source as `code: 'x.y'` or `'x.y'` in a code table. */
function codesInSource(): string[] {
  const codes = new Set<string>();
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bcode: '([a-z]+(?:\.[a-zA-Z]+)+)'/g)) codes.add(m[1]);
  }
  return [...codes].sort();
}

describe('README documents every diagnostic code', () => {
  it('the dataset code table is the one generated from src/core/dataset/codes.ts', () => {
    const m = /<!-- dataset-codes:start -->\n([\s\S]*?)\n?<!-- dataset-codes:end -->/.exec(README);
    assert.ok(m, 'markers missing');
    assert.equal(m[1].trim(), datasetCodesMarkdown().trim(), 'run `npm run docs` to regenerate the README table');
  });

  it('every code in the source has an anchored entry (the editor links codes to them)', () => {
    const codes = codesInSource();
    assert.ok(codes.length > 80, `only ${codes.length} codes found`);
    const missing = codes.filter((c) => !README.includes(`<a id="${codeAnchor(c)}"></a>\`${c}\``));
    assert.deepEqual(missing, []);
  });

  it('documents each code once (one anchor, one severity)', () => {
    const anchors = [...README.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]);
    const twice = anchors.filter((a, i) => anchors.indexOf(a) !== i);
    assert.deepEqual(twice, []);
  });
});
