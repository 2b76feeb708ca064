/**
 * Production enforces composite indexes; the emulator does not. Every query shape the store
 * layer issues (src/store/queries.ts) that needs a composite index must find it declared in
 * firestore.indexes.json with the right scope (COLLECTION for a batch's own subcollection,
 * COLLECTION_GROUP only for queries across all batches). `npm run deploy:check` runs this file.
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  needsCompositeIndex,
  QUERY_SHAPES,
  requiredIndexFields,
  type IndexField,
  type QueryShape,
} from "../../../src/store/queries.js";

interface DeclaredIndex {
  collectionGroup: string;
  queryScope: "COLLECTION" | "COLLECTION_GROUP";
  fields: IndexField[];
}

const indexesPath = fileURLToPath(new URL("../../../../firestore.indexes.json", import.meta.url));
const declared = (JSON.parse(readFileSync(indexesPath, "utf8")) as { indexes: DeclaredIndex[] })
  .indexes;

function serves(index: DeclaredIndex, shape: QueryShape): boolean {
  if (index.collectionGroup !== shape.collectionGroup || index.queryScope !== shape.scope)
    return false;
  const { equality, order } = requiredIndexFields(shape);
  if (index.fields.length !== equality.length + order.length) return false;
  const head = index.fields.slice(0, equality.length);
  const tail = index.fields.slice(equality.length);
  return (
    head.every((f) => equality.includes(f.fieldPath) && f.order === "ASCENDING") &&
    new Set(head.map((f) => f.fieldPath)).size === equality.length &&
    tail.every((f, i) => f.fieldPath === order[i]!.fieldPath && f.order === order[i]!.order)
  );
}

const shapes = Object.entries(QUERY_SHAPES) as [string, QueryShape][];
const composite = shapes.filter(([, s]) => needsCompositeIndex(s));

describe("firestore.indexes.json covers every query shape", () => {
  it("has shapes that need composite indexes (the list is not empty by mistake)", () => {
    expect(composite.map(([k]) => k).sort()).toEqual(
      [
        "batchesOfPartner",
        "batchesOfPartnerByStatus",
        "imagesByStatusInIndexOrder",
        "lostImages",
        "outstandingImages",
        "recentOpenBatches",
        "undispatchedImages",
      ].sort(),
    );
  });

  it.each(composite)("%s has its composite index with the right scope", (_key, shape) => {
    const match = declared.find((ix) => serves(ix, shape));
    expect(match ? "declared" : `missing: ${JSON.stringify(requiredIndexFields(shape))}`).toBe(
      "declared",
    );
  });

  it("declares no composite index that no query uses", () => {
    const unused = declared.filter((ix) => !composite.some(([, s]) => serves(ix, s)));
    expect(unused).toEqual([]);
  });

  it("rejects an index of the wrong scope (a collection-group index does not serve a subcollection query)", () => {
    const shape = QUERY_SHAPES.lostImages;
    const wrongScope: DeclaredIndex = {
      collectionGroup: "images",
      queryScope: "COLLECTION_GROUP",
      fields: [
        { fieldPath: "status", order: "ASCENDING" },
        { fieldPath: "startedAt", order: "ASCENDING" },
      ],
    };
    expect(serves(wrongScope, shape)).toBe(false);
    expect(serves({ ...wrongScope, queryScope: "COLLECTION" }, shape)).toBe(true);
  });

  it("single-field and equality-only shapes need no composite index", () => {
    expect(needsCompositeIndex(QUERY_SHAPES.anyUnfinishedImage)).toBe(false);
    expect(needsCompositeIndex(QUERY_SHAPES.imageSums)).toBe(false);
    expect(needsCompositeIndex(QUERY_SHAPES.openBatchesByName)).toBe(false);
    expect(needsCompositeIndex(QUERY_SHAPES.latestCompletedImage)).toBe(false);
  });
});
