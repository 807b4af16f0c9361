// Baseline for the tabular CSV benchmark: a plain streaming read that decodes UTF-8 and splits
// lines (no CSV parsing, no checks).
const { openSync, readSync, closeSync } = require('node:fs');
const { StringDecoder } = require('node:string_decoder');

const fd = openSync(process.argv[2], 'r');
const buf = Buffer.allocUnsafe(1 << 20);
const decoder = new StringDecoder('utf8');
let rest = '';
let lines = 0;
let chars = 0;
for (;;) {
  const n = readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  const parts = (rest + decoder.write(buf.subarray(0, n))).split('\n');
  rest = parts.pop();
  lines += parts.length;
  for (let i = 0; i < parts.length; i++) chars += parts[i].length;
}
closeSync(fd);
if (rest) lines++;
process.stdout.write(`${lines} lines, ${chars} chars\n`);
