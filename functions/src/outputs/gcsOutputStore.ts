/**
 * Outputs in Cloud Storage (the project's default bucket). Objects carry no download token:
 * partners get short-lived V4 signed URLs (signedReadUrl), made fresh on each status call, or
 * download through the authenticated API route. Signing uses the runtime service account's
 * signBlob permission (roles/iam.serviceAccountTokenCreator on itself; setup:project grants it).
 */
import { getStorage } from "firebase-admin/storage";
import { ensureApp } from "../store/db.js";
import type { OutputStore, StoredOutput } from "./outputStore.js";

/** The object metadata key holding the marker. */
const MARKER_KEY = "stagingRecord";

export class GcsOutputStore implements OutputStore {
  readonly kind = "gcs" as const;

  private bucket() {
    ensureApp();
    return getStorage().bucket();
  }

  async save(
    path: string,
    bytes: Buffer,
    contentType: string,
    marker?: string,
  ): Promise<StoredOutput> {
    await this.bucket()
      .file(path)
      .save(bytes, {
        resumable: false,
        contentType,
        // Custom metadata is written with the object in the same request (8 KiB at most).
        metadata: {
          cacheControl: "private, max-age=3600",
          ...(marker ? { metadata: { [MARKER_KEY]: marker } } : {}),
        },
      });
    return { path, downloadUrl: null };
  }

  async readMarker(path: string): Promise<string | null> {
    try {
      const [meta] = await this.bucket().file(path).getMetadata();
      const value = meta.metadata?.[MARKER_KEY];
      return typeof value === "string" ? value : null;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return null;
      throw e;
    }
  }

  async read(path: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const file = this.bucket().file(path);
    const [exists] = await file.exists();
    if (!exists) return null;
    const [[bytes], [meta]] = await Promise.all([file.download(), file.getMetadata()]);
    return { bytes, contentType: String(meta.contentType ?? "image/jpeg") };
  }

  /** A V4 signed GET URL for one object, valid until expiresAt (at most 7 days ahead). */
  async signedReadUrl(path: string, expiresAt: Date): Promise<string> {
    const [url] = await this.bucket()
      .file(path)
      .getSignedUrl({ version: "v4", action: "read", expires: expiresAt });
    return url;
  }

  /**
   * A V4 signed PUT URL for one new object. The content type and the size range are signed
   * headers: the upload must send exactly `Content-Type` and `x-goog-content-length-range`, and
   * Cloud Storage refuses a body outside the range.
   */
  async signedUploadUrl(
    path: string,
    contentType: string,
    maxBytes: number,
    expiresAt: Date,
  ): Promise<{ url: string; headers: Record<string, string> }> {
    const headers = {
      "Content-Type": contentType,
      "x-goog-content-length-range": `1,${maxBytes}`,
    };
    const [url] = await this.bucket()
      .file(path)
      .getSignedUrl({
        version: "v4",
        action: "write",
        expires: expiresAt,
        contentType,
        extensionHeaders: { "x-goog-content-length-range": headers["x-goog-content-length-range"] },
      });
    return { url, headers };
  }
}
