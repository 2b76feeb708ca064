/** The Admin SDK app and Firestore handle, created once per instance. */
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

export function ensureApp(): void {
  if (getApps().length > 0) return;
  // In the emulator there is no metadata server: give the Admin SDK a service account id so
  // task enqueue does not wait for one (TOOLCHAIN.md: "External network resource requested").
  const emulated =
    process.env.FUNCTIONS_EMULATOR === "true" || !!process.env.FIRESTORE_EMULATOR_HOST;
  const projectId = process.env.GCLOUD_PROJECT ?? process.env.GCP_PROJECT;
  initializeApp(
    emulated && projectId
      ? { projectId, serviceAccountId: `emulator@${projectId}.iam.gserviceaccount.com` }
      : undefined,
  );
}

let db: Firestore | undefined;

export function getDb(): Firestore {
  if (!db) {
    ensureApp();
    db = getFirestore();
    db.settings({ ignoreUndefinedProperties: true });
  }
  return db;
}

export const COLLECTIONS = {
  partners: "partners",
  apiKeys: "apiKeys",
  batches: "batches",
  images: "images",
  chunks: "chunks",
  counters: "counters",
  idempotency: "idempotencyKeys",
  system: "system",
  resultCache: "resultCache",
} as const;
