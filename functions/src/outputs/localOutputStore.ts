/**
 * Outputs in a local folder, for the Emulator Suite where the Storage emulator cannot run
 * offline. The API serves them at /api/batch/:id/images/:index/output, with the partner's key or
 * with an expiring HMAC-signed link (the local stand-in for production's V4 signed URLs). The
 * signing key is made once per folder, so every emulator worker process shares it.
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { OutputStore, StoredOutput } from "./outputStore.js";

/** functions/ (this file is functions/lib/src/outputs/ once compiled). */
const FUNCTIONS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The marker file beside an output (the local stand-in for object metadata). */
const MARKER_SUFFIX = ".record.json";

export class LocalOutputStore implements OutputStore {
  readonly kind = "local" as const;
  private readonly root: string;

  constructor(dir: string) {
    this.root = isAbsolute(dir) ? dir : resolve(FUNCTIONS_ROOT, dir);
  }

  private linkKey: Promise<Buffer> | undefined;

  /** The key that signs this folder's output links (32 random bytes, created on first use). */
  linkSigningKey(): Promise<Buffer> {
    this.linkKey ??= this.loadOrCreateKey().catch((e: unknown) => {
      this.linkKey = undefined;
      throw e;
    });
    return this.linkKey;
  }

  private async loadOrCreateKey(): Promise<Buffer> {
    const file = join(this.root, ".link-signing-key");
    await mkdir(this.root, { recursive: true });
    // Written aside, then hard-linked into place: link() fails if the key exists, so of two
    // processes racing here one creates the key, the other reads it, and neither sees half a file.
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, randomBytes(32), { mode: 0o600 });
    try {
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      await unlink(tmp);
    }
    const key = await readFile(file);
    if (key.length !== 32) throw new Error(`${file} is not a 32-byte key`);
    return key;
  }

  private fullPath(path: string): string {
    const p = normalize(join(this.root, path));
    if (!p.startsWith(this.root)) throw new Error("path escapes the output folder");
    return p;
  }

  async save(
    path: string,
    bytes: Buffer,
    _contentType?: string,
    marker?: string,
  ): Promise<StoredOutput> {
    const full = this.fullPath(path);
    await mkdir(dirname(full), { recursive: true });
    // Both written aside at once, then renamed into place, so a reader (or a duplicate worker)
    // never sees half a file. The marker is renamed first: an output file that exists always
    // has its marker beside it.
    const [markerTmp, outputTmp] = await Promise.all([
      marker === undefined ? undefined : this.writeAside(full + MARKER_SUFFIX, marker),
      this.writeAside(full, bytes),
    ]);
    if (markerTmp) await rename(markerTmp, full + MARKER_SUFFIX);
    await rename(outputTmp, full);
    return { path, downloadUrl: null };
  }

  /** Writes `data` to a temporary file beside `full`; returns its path. */
  private async writeAside(full: string, data: Buffer | string): Promise<string> {
    const tmp = `${full}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, data);
    return tmp;
  }

  async readMarker(path: string): Promise<string | null> {
    try {
      // Only an output that exists counts (its marker is written before it).
      await stat(this.fullPath(path));
      return await readFile(`${this.fullPath(path)}${MARKER_SUFFIX}`, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
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
