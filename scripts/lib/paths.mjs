// @ts-check
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RUNTIME_DIR = join(ROOT, ".runtime");
export const FIREBASE_BIN = join(ROOT, "node_modules", ".bin", "firebase");
export const PROJECT_ID = "demo-virtual-staging";
