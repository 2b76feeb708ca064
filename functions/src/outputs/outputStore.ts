/** Where staged outputs are kept: Cloud Storage in production, a local folder offline. */
export interface StoredOutput {
  /** Path inside the store, e.g. staged/{partnerId}/{batchId}/000003.jpg */
  path: string;
  /** A durable direct download URL when the store has one (Cloud Storage); else null. */
  downloadUrl: string | null;
}

export interface OutputStore {
  readonly kind: "gcs" | "local";
  save(path: string, bytes: Buffer, contentType: string): Promise<StoredOutput>;
  read(path: string): Promise<{ bytes: Buffer; contentType: string } | null>;
}

export function outputPath(
  partnerId: string,
  batchId: string,
  imageId: string,
  ext: string,
): string {
  return `staged/${partnerId}/${batchId}/${imageId}.${ext}`;
}
