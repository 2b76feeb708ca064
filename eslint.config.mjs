// @ts-check
// ESLint for scripts/: the functions' own config (functions/eslint.config.js, which lints src/,
// tools/ and test/) applied to the // @ts-check scripts, which run on Node with its globals.
// npm test's lint step runs it from the repository root after the functions' lint.
import functionsConfig from "./functions/eslint.config.js";

const nodeGlobals = [
  "process",
  "console",
  "Buffer",
  "URL",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
];

export default [
  { ignores: ["functions/**", "node_modules/**", "hosting/**", ".runtime/**", "bench/**"] },
  ...functionsConfig,
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: { globals: Object.fromEntries(nodeGlobals.map((g) => [g, "readonly"])) },
    rules: { "no-console": "off" },
  },
];
