// The `vertex-datasets` executable (bundled to dist/cli.js).
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`vertex-datasets: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
