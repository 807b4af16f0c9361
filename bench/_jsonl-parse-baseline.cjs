// Baseline for the JSONL benchmark: the fastest plain read + JSON.parse loop we know
// (1 MB chunks, one UTF-8 decode per chunk, split on "\n"), counting objects.
const { openSync, readSync, closeSync } = require('node:fs');
const fd = openSync(process.argv[2], 'r');
const chunk = Buffer.allocUnsafe(1 << 20);
let carry = '';
let objects = 0;
let bad = 0;
const parse = (line) => {
  if (!line) return;
  try {
    if (JSON.parse(line)) objects++;
  } catch {
    bad++;
  }
};
for (;;) {
  const n = readSync(fd, chunk, 0, chunk.length, null);
  if (n === 0) break;
  const text = carry + chunk.toString('utf8', 0, n);
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    parse(text.slice(start, nl));
    start = nl + 1;
  }
  carry = text.slice(start);
}
parse(carry);
closeSync(fd);
process.stdout.write(`${objects} objects, ${bad} unparseable\n`);
