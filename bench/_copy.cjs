// The baseline of bench/split.mjs: a plain streaming copy (read + write, 1 MB chunks) of a file.
//   node bench/_copy.cjs SRC DST
const { createReadStream, createWriteStream } = require('node:fs');
const { pipeline } = require('node:stream/promises');
const [, , src, dst] = process.argv;
pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), createWriteStream(dst)).catch((e) => {
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 2;
});
