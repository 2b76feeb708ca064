/** Outputs in Cloud Storage (the project's default bucket), with a durable download URL. */
import { randomUUID } from "node:crypto";
import { getStorage } from "firebase-admin/storage";
import { ensureApp } from "../store/db.js";
import type { OutputStore, StoredOutput } from "./outputStore.js";

export class GcsOutputStore implements OutputStore {
  readonly kind = "gcs" as const;

  private bucket() {
    ensureApp();
    return getStorage().bucket();
  }

  async save(path: string, bytes: Buffer, contentType: string): Promise<StoredOutput> {
    const bucket = this.bucket();
    const token = randomUUID();
    await bucket.file(path).save(bytes, {
      resumable: false,
      contentType,
      metadata: {
        cacheControl: "private, max-age=31536000",
        metadata: { firebaseStorageDownloadTokens: token },
      },
    });
    const host = process.env.FIREBASE_STORAGE_EMULATOR_HOST
      ? `http://${process.env.FIREBASE_STORAGE_EMULATOR_HOST}`
      : "https://firebasestorage.googleapis.com";
    const downloadUrl = `${host}/v0/b/${bucket.name}/o/${encodeURIComponent(path)}?alt=media&token=${token}`;
    return { path, downloadUrl };
  }

  async read(path: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const file = this.bucket().file(path);
    const [exists] = await file.exists();
    if (!exists) return null;
    const [[bytes], [meta]] = await Promise.all([file.download(), file.getMetadata()]);
    return { bytes, contentType: String(meta.contentType ?? "image/jpeg") };
  }
}
