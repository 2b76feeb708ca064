/**
 * `vstage`, the partner CLI (npm run vstage -- ..., or the `vstage` bin): submit a CSV of photos,
 * wait with a progress bar, download the staged photos, follow, list, retry and cancel batches.
 */
import { parseCommand, USAGE, UsageError } from "./args.js";
import { CliError, run } from "./commands.js";

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const cmd = parseCommand(argv, process.env);
    if (cmd === "help") {
      console.log(USAGE);
      return 0;
    }
    return await run(cmd, {
      out: (line) => console.log(line),
      overwrite: (line) => process.stdout.write(`\r${line}\x1b[K`),
      tty: process.stdout.isTTY === true,
    });
  } catch (e) {
    if (e instanceof UsageError || e instanceof CliError) {
      console.error(`vstage: ${e.message}`);
      return e.exitCode;
    }
    console.error(`vstage: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
