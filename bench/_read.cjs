// A read-only pass over a file (1 MB reads into one reused buffer, nothing written): with the copy
// of bench/split.mjs it gives the floor of a two-pass split, copy + one more read.
// Without SRC it only starts and exits: Node's start-up, to take out of the read's figure.
//   node bench/_read.cjs [SRC]
const { closeSync, openSync, readSync } = require('node:fs');
if (process.argv[2] !== undefined) {
  const fd = openSync(process.argv[2], 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}
