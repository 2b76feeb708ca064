/** Partners and their API keys. Keys are stored only as SHA-256 hashes. */
import { FieldValue, Timestamp, type DocumentData } from "firebase-admin/firestore";
import { hashApiKey, newApiKey, newPartnerId, sha256Hex } from "../domain/ids.js";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { COLLECTIONS, getDb } from "./db.js";
import { labelSchema, type DisclosureLabel, type Lane } from "../domain/stagingOptions.js";
import { PartnerCache, type PartnerCacheSettings } from "./partnerCache.js";

export interface PartnerQuotas {
  maxImagesPerBatch?: number;
  maxOpenBatches?: number;
  maxImagesPerDay?: number;
}

export interface Partner {
  partnerId: string;
  name: string;
  status: "active" | "suspended";
  quotas: PartnerQuotas;
  webhookSecret: string;
  /** Engine override: "preview" makes a sandbox partner (labelled previews, no model cost). */
  engine?: string;
  /** Gemini model for this partner's batches (a registry id); default: GEMINI_MODEL. */
  model?: string;
  /** Models a batch of this partner may ask for with `model`; empty: none (the default only). */
  allowedModels?: string[];
  /** Disclosure label burned into this partner's outputs unless a batch says otherwise. */
  label?: DisclosureLabel;
  /** Default processing lane of this partner's batches (a batch's `lane` wins). */
  lane?: Lane;
  /** Fair-share weight against other partners (a paid tier); 1 when absent. */
  weight?: number;
}

/** The optional model and label fields of a partner document, read defensively. */
function modelFields(
  data: Record<string, unknown>,
): Pick<Partner, "model" | "allowedModels" | "label" | "lane"> {
  const allowed = Array.isArray(data.allowedModels)
    ? data.allowedModels.filter((m): m is string => typeof m === "string")
    : undefined;
  const label = labelSchema.safeParse(data.label);
  return {
    ...(data.label && label.success ? { label: label.data } : {}),
    ...(data.lane === "economy" || data.lane === "standard" ? { lane: data.lane } : {}),
    ...(typeof data.model === "string" ? { model: data.model } : {}),
    ...(allowed?.length ? { allowedModels: allowed } : {}),
  };
}

interface ApiKeyDoc {
  partnerId: string;
  status: "active" | "revoked";
  keyHash: string;
}

/** Short cache so a poll does not cost a read; revocation takes effect within its TTL. */
let cache = new PartnerCache<Partner>({ maxEntries: 10_000, ttlMs: 30_000, negativeTtlMs: 5_000 });
export function configurePartnerCache(settings: PartnerCacheSettings): void {
  if (!cache.sameSettings(settings)) cache = new PartnerCache<Partner>(settings);
}

export function clearPartnerCache(): void {
  cache.clear();
}

export async function findPartnerByApiKey(apiKey: string): Promise<Partner | null> {
  return cache.get(hashApiKey(apiKey), readPartnerByKeyHash);
}

async function readPartnerByKeyHash(keyHash: string): Promise<Partner | null> {
  const db = getDb();
  const keySnap = await db.collection(COLLECTIONS.apiKeys).doc(keyHash).get();
  const key = keySnap.data() as ApiKeyDoc | undefined;
  // The lookup is by hash, so the clear key is never compared; the constant-time check of the
  // stored hash guards against a document that does not match its id.
  if (!key || key.status !== "active" || !constantTimeEqualHex(key.keyHash, keyHash)) return null;
  const p = await db.collection(COLLECTIONS.partners).doc(key.partnerId).get();
  const data = p.data();
  if (!data || data.status !== "active") return null;
  return partnerFromData(p.id, data);
}

/** A partner document as the code reads it. */
function partnerFromData(partnerId: string, data: DocumentData): Partner {
  return {
    partnerId,
    name: String(data.name),
    status: data.status,
    quotas: (data.quotas ?? {}) as PartnerQuotas,
    webhookSecret: String(data.webhookSecret ?? ""),
    engine: typeof data.engine === "string" ? data.engine : undefined,
    ...(typeof data.weight === "number" && data.weight > 0 ? { weight: data.weight } : {}),
    ...modelFields(data),
  };
}

export function constantTimeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, "hex");
  const bb = Buffer.from(b, "hex");
  return ba.length === bb.length && ba.length > 0 && timingSafeEqual(ba, bb);
}

export async function getPartner(partnerId: string): Promise<Partner | null> {
  const p = await getDb().collection(COLLECTIONS.partners).doc(partnerId).get();
  const data = p.data();
  if (!data) return null;
  return partnerFromData(p.id, data);
}

export async function createPartner(input: {
  name: string;
  engine?: string;
  model?: string;
  allowedModels?: string[];
  label?: DisclosureLabel;
  quotas?: PartnerQuotas;
  weight?: number;
}): Promise<{ partnerId: string; apiKey: string; webhookSecret: string }> {
  const db = getDb();
  const partnerId = newPartnerId();
  const apiKey = newApiKey();
  const webhookSecret = `whsec_${randomBytes(24).toString("base64url")}`;
  const batch = db.batch();
  batch.create(db.collection(COLLECTIONS.partners).doc(partnerId), {
    name: input.name,
    status: "active",
    quotas: input.quotas ?? {},
    webhookSecret,
    ...(input.engine ? { engine: input.engine } : {}),
    ...(input.model ? { model: input.model } : {}),
    ...(input.allowedModels?.length ? { allowedModels: input.allowedModels } : {}),
    ...(input.label ? { label: input.label } : {}),
    ...(input.weight ? { weight: input.weight } : {}),
    createdAt: FieldValue.serverTimestamp(),
  });
  batch.create(
    db.collection(COLLECTIONS.apiKeys).doc(hashApiKey(apiKey)),
    keyDoc(partnerId, apiKey),
  );
  await batch.commit();
  return { partnerId, apiKey, webhookSecret };
}

function keyDoc(partnerId: string, apiKey: string) {
  return {
    partnerId,
    status: "active",
    keyHash: hashApiKey(apiKey),
    // A short, non-secret fingerprint so operators can tell keys apart in the console.
    fingerprint: sha256Hex(apiKey).slice(0, 8),
    createdAt: FieldValue.serverTimestamp(),
  };
}

/** Adds a new key; the old ones stay active until revoked (rotation without downtime). */
export async function addApiKey(partnerId: string): Promise<string> {
  const apiKey = newApiKey();
  await getDb()
    .collection(COLLECTIONS.apiKeys)
    .doc(hashApiKey(apiKey))
    .create(keyDoc(partnerId, apiKey));
  return apiKey;
}

/** Revokes every active key of a partner (or only the one given). Returns how many. */
export async function revokeApiKeys(partnerId: string, apiKey?: string): Promise<number> {
  const db = getDb();
  const snap = await db
    .collection(COLLECTIONS.apiKeys)
    .where("partnerId", "==", partnerId)
    .where("status", "==", "active")
    .get();
  const targets = apiKey ? snap.docs.filter((d) => d.id === hashApiKey(apiKey)) : snap.docs;
  const batch = db.batch();
  for (const d of targets) batch.update(d.ref, { status: "revoked", revokedAt: Timestamp.now() });
  await batch.commit();
  return targets.length;
}
