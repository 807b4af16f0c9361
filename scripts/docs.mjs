// Regenerates the README's dataset code table from src/core/dataset/codes.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const table = execFileSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/core/dataset/codes.ts').then((m) => process.stdout.write((m.datasetCodesMarkdown ?? m.default.datasetCodesMarkdown)()))"], { encoding: 'utf8' });
const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/<!-- dataset-codes:start -->[\s\S]*?<!-- dataset-codes:end -->/, `<!-- dataset-codes:start -->\n${table.trim()}\n<!-- dataset-codes:end -->`);
writeFileSync('README.md', next);
