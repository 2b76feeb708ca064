// Two projects: pure unit tests (no emulator) and emulator tests, which need the Emulator Suite
// running (scripts/test.mjs starts it with `firebase emulators:exec`).
const tsJest = [
  "ts-jest",
  { useESM: true, tsconfig: "tsconfig.json", isolatedModules: true, diagnostics: false },
];
const common = {
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": tsJest },
  testEnvironment: "node",
};

export default {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts"] },
    {
      ...common,
      displayName: "emulator",
      testMatch: ["<rootDir>/test/emulator/**/*.test.ts"],
    },
  ],
};
