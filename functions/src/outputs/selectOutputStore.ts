/** The instance's output store, chosen once from OUTPUT_STORE (config/runtimeConfig.ts). */
import { outputStoreSettings } from "../config/runtimeConfig.js";
import { GcsOutputStore } from "./gcsOutputStore.js";
import { LocalOutputStore } from "./localOutputStore.js";
import type { OutputStore } from "./outputStore.js";

let store: OutputStore | undefined;

export function getOutputStore(): OutputStore {
  if (!store) {
    const settings = outputStoreSettings();
    store = settings.kind === "local" ? new LocalOutputStore(settings.dir) : new GcsOutputStore();
  }
  return store;
}
