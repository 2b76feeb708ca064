/**
 * Outputs in a local folder, for the Emulator Suite where the Storage emulator cannot run
 * offline. The API serves them (with the partner's key) at /api/batch/:id/images/:index/output.
 */
import { mkdir, readFile, writeFile, rename } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { OutputStore, StoredOutput } from "./outputStore.js";

/** functions/ (this file is functions/lib/src/outputs/ once compiled). */
const FUNCTIONS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export class LocalOutputStore implements OutputStore {
  readonly kind = "local" as const;
  private readonly root: string;

  constructor(dir: string) {
    this.root = isAbsolute(dir) ? dir : resolve(FUNCTIONS_ROOT, dir);
  }

  private fullPath(path: string): string {
    const p = normalize(join(this.root, path));
    if (!p.startsWith(this.root)) throw new Error("path escapes the output folder");
    return p;
  }

  async save(path: string, bytes: Buffer): Promise<StoredOutput> {
    const full = this.fullPath(path);
    await mkdir(dirname(full), { recursive: true });
    // Write then rename, so a reader (or a duplicate worker) never sees half a file.
    const tmp = `${full}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, full);
    return { path, downloadUrl: null };
  }

  async read(path: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    try {
      const bytes = await readFile(this.fullPath(path));
      const contentType = path.endsWith(".webp")
        ? "image/webp"
        : path.endsWith(".png")
          ? "image/png"
          : "image/jpeg";
      return { bytes, contentType };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }
}
