// @ts-check
// npm run build: install (from the lock files) and compile the functions.
import { build, ensureInstalled } from "./lib/install.mjs";

ensureInstalled();
build();
