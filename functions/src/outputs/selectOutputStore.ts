import * as p from "../config/params.js";
import { GcsOutputStore } from "./gcsOutputStore.js";
import { LocalOutputStore } from "./localOutputStore.js";
import type { OutputStore } from "./outputStore.js";

let store: OutputStore | undefined;

export function getOutputStore(): OutputStore {
  if (!store)
    store =
      p.outputStore.value() === "local"
        ? new LocalOutputStore(p.outputLocalDir.value())
        : new GcsOutputStore();
  return store;
}
