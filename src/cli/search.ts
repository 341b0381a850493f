/**
 * The headless runner: the same engine as the page, on the CPU backend in Node.
 *
 *   npm run search -- --method random --dataset digits --evaluator supernet --budget 30 --seed 1 --out run.json
 *
 * Prints a progress line while it runs and writes the same architecture JSON the page exports.
 */
import { runCli } from './main';
import { describeFailure } from './options';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const { code, stderr } = describeFailure(err);
    process.stderr.write(stderr);
    process.exit(code);
  },
);
