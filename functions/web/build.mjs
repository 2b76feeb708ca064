// @ts-check
// Bundles the web dashboard (web/src) into hosting/app/ with esbuild: one script and one
// stylesheet, no CDN at run time. Run by `npm run build` (so `npm start` and `npm test` build
// it) and by the Hosting predeploy in firebase.json. `--watch` rebuilds on change.
import { build, context } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** @type {import("esbuild").BuildOptions} */
const options = {
  entryPoints: { dashboard: join(here, "src", "main.ts") },
  outdir: join(here, "..", "..", "hosting", "app"),
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}
