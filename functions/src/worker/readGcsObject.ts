/** Reads a gs:// source from the project's own bucket (the URL policy refuses other buckets). */
import { getStorage } from "firebase-admin/storage";
import { ensureApp } from "../store/db.js";

export async function readGcsObject(bucket: string, path: string): Promise<Buffer> {
  ensureApp();
  const [bytes] = await getStorage().bucket(bucket).file(path).download();
  return bytes;
}
