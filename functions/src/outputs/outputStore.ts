/** Where staged outputs are kept: Cloud Storage in production, a local folder offline. */
export interface StoredOutput {
  /** Path inside the store, e.g. staged/{partnerId}/{batchId}/000003.jpg */
  path: string;
  /** A durable direct download URL when the store has one (Cloud Storage); else null. */
  downloadUrl: string | null;
}

export interface OutputStore {
  readonly kind: "gcs" | "local";
  /**
   * Stores the bytes. `marker` (a short JSON text: the image's record) is stored with them
   * atomically (object metadata, or a file written first), so an attempt whose completion
   * commit failed can be recorded from the store alone (worker/outputMarker.ts).
   */
  save(path: string, bytes: Buffer, contentType: string, marker?: string): Promise<StoredOutput>;
  read(path: string): Promise<{ bytes: Buffer; contentType: string } | null>;
  /** The marker saved with the object at `path`, or null (no object, or saved without one). */
  readMarker(path: string): Promise<string | null>;
}

export function outputPath(
  partnerId: string,
  batchId: string,
  imageId: string,
  ext: string,
): string {
  return `staged/${partnerId}/${batchId}/${imageId}.${ext}`;
}
