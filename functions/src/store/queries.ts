/**
 * Every Firestore query shape the code issues, in one list, next to the builders that issue
 * them. Production enforces composite indexes (the emulator does not): a unit test
 * (test/unit/store/indexCoverage.test.ts) checks that firestore.indexes.json declares the
 * composite index of the right scope for each shape here that needs one. A query added
 * anywhere else escapes that test, so new queries go here.
 */
import { Timestamp, type Query } from "firebase-admin/firestore";
import { OPEN_BATCH_STATUSES } from "../domain/batchStatus.js";
import type { ImageStatus } from "../domain/imageStatus.js";
import { COLLECTIONS, getDb } from "./db.js";

export type IndexScope = "COLLECTION" | "COLLECTION_GROUP";

export interface QueryShape {
  name: string;
  collectionGroup: string;
  scope: IndexScope;
  /** Fields under `==` or `in` (or `array-contains`). */
  equality: string[];
  /** The range/inequality field, then the order-by fields, with their directions. */
  order: { field: string; direction: "ASCENDING" | "DESCENDING" }[];
}

const ASC = "ASCENDING" as const;
const DESC = "DESCENDING" as const;

/** The list endpoint's order (batchStore.ts listBatches): newest first, the id breaking ties. */
const NEWEST_BATCH_FIRST = [
  { field: "createdAt", direction: DESC },
  { field: "__name__", direction: DESC },
];

export const QUERY_SHAPES = {
  openBatchesOfPartner: {
    name: "open batches of a partner (create quota, count)",
    collectionGroup: COLLECTIONS.batches,
    scope: "COLLECTION",
    equality: ["partnerId", "status"],
    order: [],
  },
  batchesOfPartner: {
    name: "a partner's batches, newest first (list)",
    collectionGroup: COLLECTIONS.batches,
    scope: "COLLECTION",
    equality: ["partnerId"],
    order: NEWEST_BATCH_FIRST,
  },
  batchesOfPartnerByStatus: {
    name: "a partner's batches in one status, newest first (list)",
    collectionGroup: COLLECTIONS.batches,
    scope: "COLLECTION",
    equality: ["partnerId", "status"],
    order: NEWEST_BATCH_FIRST,
  },
  openBatchesByName: {
    name: "open batches in id order (reconciler cursor)",
    collectionGroup: COLLECTIONS.batches,
    scope: "COLLECTION",
    equality: ["status"],
    order: [{ field: "__name__", direction: ASC }],
  },
  recentOpenBatches: {
    name: "open batches created since a time (dispatch window of a batch opening)",
    collectionGroup: COLLECTIONS.batches,
    scope: "COLLECTION",
    equality: ["status"],
    order: [{ field: "createdAt", direction: ASC }],
  },
  recentlyFinishedBatches: {
    name: "batches finished since a time (reconciler webhooks)",
    collectionGroup: COLLECTIONS.batches,
    scope: "COLLECTION",
    equality: [],
    order: [{ field: "completedAt", direction: ASC }],
  },
  imagesInIndexOrder: {
    name: "a batch's images in index order (status page)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: [],
    order: [{ field: "index", direction: ASC }],
  },
  imagesByStatusInIndexOrder: {
    name: "a batch's images in one status, index order (status page, cancel, retry, repair)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status"],
    order: [{ field: "index", direction: ASC }],
  },
  imageCountByStatus: {
    name: "count of a batch's images in one status (finishing a batch)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status"],
    order: [],
  },
  imageCountAll: {
    name: "count of a batch's images (finishing a batch)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: [],
    order: [],
  },
  anyUnfinishedImage: {
    name: "one queued or processing image of a batch, if any (completion check)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status"],
    order: [],
  },
  imageSums: {
    name: "sums of the status indicators, processing time and cost over a batch's images (counts)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: [],
    order: [],
  },
  lostImages: {
    name: "a batch's images processing since before a cutoff (reconciler)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status"],
    order: [{ field: "startedAt", direction: ASC }],
  },
  unenqueuedChunks: {
    name: "a batch's chunks whose image tasks are not all enqueued (reconciler)",
    collectionGroup: COLLECTIONS.chunks,
    scope: "COLLECTION",
    equality: ["enqueuedAt"],
    order: [],
  },
  latestStartedImage: {
    name: "a batch's most recently started image (reconciler staleness)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: [],
    order: [{ field: "startedAt", direction: DESC }],
  },
  latestCompletedImage: {
    name: "a batch's most recently finished image (reconciler staleness)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: [],
    order: [{ field: "completedAt", direction: DESC }],
  },
  outstandingImages: {
    name: "count of a batch's images whose task is in the queue and not finished (dispatch window)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status"],
    order: [{ field: "taskEnqueuedAt", direction: ASC }],
  },
  undispatchedImages: {
    name: "a batch's queued images not dispatched yet, index order (dispatch window)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status", "taskEnqueuedAt"],
    order: [{ field: "index", direction: ASC }],
  },
  unfinishedImageCount: {
    name: "count of a batch's queued or processing images (scheduler demand)",
    collectionGroup: COLLECTIONS.images,
    scope: "COLLECTION",
    equality: ["status"],
    order: [],
  },
  activePartnerKeys: {
    name: "a partner's active API keys",
    collectionGroup: COLLECTIONS.apiKeys,
    scope: "COLLECTION",
    equality: ["partnerId", "status"],
    order: [],
  },
  usageDaysOfPartner: {
    name: "a partner's daily booking documents in a day range, by id (usage report)",
    collectionGroup: "usage",
    scope: "COLLECTION",
    equality: [],
    order: [{ field: "__name__", direction: ASC }],
  },
  usageShardsOfPartner: {
    name: "a partner's usage shards in a day range (usage report)",
    collectionGroup: "usageShards",
    scope: "COLLECTION",
    equality: [],
    order: [{ field: "day", direction: ASC }],
  },
} satisfies Record<string, QueryShape>;

/** Whether a shape needs a declared composite index (single-field and equality-only do not). */
export function needsCompositeIndex(shape: QueryShape): boolean {
  const orderFields = shape.order.filter((o) => o.field !== "__name__");
  if (orderFields.length === 0) return false; // equality filters merge single-field indexes
  return shape.equality.length + orderFields.length > 1;
}

const batches = () => getDb().collection(COLLECTIONS.batches);
const images = (batchId: string): Query => batches().doc(batchId).collection(COLLECTIONS.images);

export const UNFINISHED_STATUSES: ImageStatus[] = ["queued", "processing"];

/** imagesByStatusInIndexOrder */
export const imagesByStatus = (batchId: string, status: ImageStatus) =>
  images(batchId).where("status", "==", status).orderBy("index");

/** imageCountByStatus (finishing a batch, inside its transaction) */
export const imageCountQuery = (batchId: string, status: ImageStatus) =>
  images(batchId).where("status", "==", status).count();

/** imageCountAll (finishing a batch: every image document exists) */
export const imageCountAll = (batchId: string) => images(batchId).count();

/** anyUnfinishedImage: 1 billed read. */
export const anyUnfinishedImage = (batchId: string) =>
  images(batchId).where("status", "in", UNFINISHED_STATUSES).select().limit(1);

/** lostImages */
export const lostImagesQuery = (batchId: string, cutoff: Date, limit: number) =>
  images(batchId)
    .where("status", "==", "processing")
    .where("startedAt", "<", Timestamp.fromDate(cutoff))
    .orderBy("startedAt")
    .limit(limit);

/** The epoch: every recorded `taskEnqueuedAt` is after it, and a null one never matches. */
const EPOCH = Timestamp.fromMillis(0);

/** outstandingImages: about one billed read per 1,000 outstanding (a window is far smaller). */
export const outstandingCountQuery = (batchId: string) =>
  images(batchId)
    .where("status", "in", UNFINISHED_STATUSES)
    .where("taskEnqueuedAt", ">", EPOCH)
    .count();

/** undispatchedImages: only their index and generation unless the whole documents are asked. */
export const undispatchedImagesQuery = (batchId: string, limit: number, wholeDocs = false) => {
  const q = images(batchId)
    .where("status", "==", "queued")
    .where("taskEnqueuedAt", "==", null)
    .orderBy("index");
  return (wholeDocs ? q : q.select("index", "generation")).limit(limit);
};

/** unfinishedImageCount */
export const unfinishedCountQuery = (batchId: string) =>
  images(batchId).where("status", "in", UNFINISHED_STATUSES).count();

/** unenqueuedChunks */
export const unenqueuedChunksQuery = (batchId: string) =>
  batches().doc(batchId).collection(COLLECTIONS.chunks).where("enqueuedAt", "==", null).select();

/** latestStartedImage, latestCompletedImage */
export const latestActivityQueries = (batchId: string) => [
  images(batchId).orderBy("startedAt", "desc").select("startedAt").limit(1),
  images(batchId).orderBy("completedAt", "desc").select("completedAt").limit(1),
];

/** openBatchesByName */
export const openBatchesQuery = (afterId: string | null, limit: number) => {
  const q = batches().where("status", "in", OPEN_BATCH_STATUSES).orderBy("__name__");
  return (afterId ? q.startAfter(afterId) : q).limit(limit);
};

/** recentOpenBatches */
export const recentOpenBatchesQuery = (since: Date, limit: number) =>
  batches()
    .where("status", "in", OPEN_BATCH_STATUSES)
    .where("createdAt", ">", Timestamp.fromDate(since))
    .orderBy("createdAt")
    .limit(limit);

/** recentlyFinishedBatches */
export const finishedSinceQuery = (since: Date, limit: number) =>
  batches()
    .where("completedAt", ">", Timestamp.fromDate(since))
    .orderBy("completedAt")
    .limit(limit);

export interface IndexField {
  fieldPath: string;
  order: "ASCENDING" | "DESCENDING";
}

/**
 * The composite index a shape needs, as firestore.indexes.json writes it: the equality fields
 * (in any order) then the range / order-by fields in order. `__name__` is left out: an index
 * ends with the document name implicitly, in the direction of its last field.
 */
export function requiredIndexFields(shape: QueryShape): {
  equality: string[];
  order: IndexField[];
} {
  return {
    equality: [...shape.equality],
    order: shape.order
      .filter((o) => o.field !== "__name__")
      .map((o) => ({ fieldPath: o.field, order: o.direction })),
  };
}
