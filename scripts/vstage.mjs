#!/usr/bin/env node
// @ts-check
// vstage, the partner CLI (`npm run vstage -- <command>` or the `vstage` bin of this package).
// Builds the functions package once when its compiled output is missing, then runs the CLI.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, ensureInstalled } from "./lib/install.mjs";
import { ROOT } from "./lib/paths.mjs";

const cli = join(ROOT, "functions", "lib", "tools", "vstage", "cli.js");
if (!existsSync(cli)) {
  ensureInstalled({ quiet: true });
  build();
}
await import(pathToFileURL(cli).href);
