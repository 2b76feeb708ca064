/**
 * The HTTP contract (src/api/contract/) against itself and against the code: every example the
 * document shows parses unchanged against its schema, and what api/serialize.ts builds from
 * stored documents parses unchanged against the response schemas (parsing drops undeclared
 * fields, so "unchanged" also catches a field the contract does not declare).
 */
import { describe, expect, it } from "@jest/globals";
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";
import type { ZodOpenApiMediaTypeObject, ZodOpenApiResponseObject } from "zod-openapi";
import {
  apiContract,
  BatchDetails,
  BatchSummary,
  Image,
  BatchStatusResponse,
} from "../../../src/api/contract/index.js";
import { statusExample } from "../../../src/api/contract/examples.js";
import { batchStatus, batchSummary, imageView } from "../../../src/api/serialize.js";
import { batchFromData } from "../../../src/store/batchStore.js";
import { imageFromData } from "../../../src/store/imageDoc.js";
import { buildOpenApi } from "../../../tools/openapi.js";

interface DocumentedExample {
  where: string;
  schema: z.ZodType;
  value: unknown;
  io: "input" | "output";
}

/** Every example of every JSON body in the contract, with the zod schema it illustrates. */
function documentedExamples(): DocumentedExample[] {
  const found: DocumentedExample[] = [];
  const collect = (where: string, media: ZodOpenApiMediaTypeObject, io: "input" | "output") => {
    const schema = media.schema;
    if (!(schema instanceof z.ZodType)) return;
    if (media.example !== undefined) found.push({ where, schema, value: media.example, io });
    for (const [name, ex] of Object.entries(media.examples ?? {})) {
      if ("value" in ex) found.push({ where: `${where} ${name}`, schema, value: ex.value, io });
    }
  };
  for (const [path, item] of Object.entries(apiContract.paths ?? {})) {
    for (const method of ["get", "post"] as const) {
      const op = item[method];
      if (!op) continue;
      const media = op.requestBody?.content["application/json"];
      if (media) collect(`${method.toUpperCase()} ${path} request`, media, "input");
      for (const [code, response] of Object.entries(op.responses)) {
        const json = (response as ZodOpenApiResponseObject).content?.["application/json"];
        if (json) collect(`${method.toUpperCase()} ${path} ${code}`, json, "output");
      }
    }
  }
  return found;
}

/** How many JSON examples the generated document shows (each shared response counted once). */
function examplesInDocument(): number {
  const doc = buildOpenApi() as { paths: object; components: { responses: object } };
  let n = 0;
  const walk = (node: unknown, inJson: boolean): void => {
    if (Array.isArray(node) || typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (inJson && key === "example") n += 1;
      else if (inJson && key === "examples") n += Object.keys(value as object).length;
      else if (key === "$ref") continue;
      else walk(value, key === "application/json" || (inJson && key !== "schema"));
    }
  };
  walk(doc.paths, false);
  walk(doc.components.responses, false);
  return n;
}

/** The parse result when it equals the value, else the issues (so a failure names the field). */
function parsesUnchanged(schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) return parsed.error.issues;
  return parsed.data;
}

describe("documented examples", () => {
  const examples = documentedExamples();

  it("cover every JSON example of the generated document", () => {
    const distinct = new Set(examples.map((e) => e.value));
    expect(distinct.size).toBe(examplesInDocument());
    expect(distinct.size).toBeGreaterThanOrEqual(30);
  });

  it.each(examples.map((e) => [e.where, e] as const))("%s parses against its schema", (_, e) => {
    // Request examples are what partners send (before defaults), responses what they get.
    const value = e.io === "input" ? e.value : parsesUnchanged(e.schema, e.value);
    if (e.io === "input") expect(e.schema.safeParse(e.value).success).toBe(true);
    expect(value).toEqual(e.value);
  });

  it("a wrong or undeclared field fails the check", () => {
    const image = statusExample.images[0]!;
    expect(parsesUnchanged(Image, { ...image, lane: "fast" })).not.toEqual({
      ...image,
      lane: "fast",
    });
    expect(parsesUnchanged(Image, { ...image, colour: "red" })).toEqual(image);
    expect(parsesUnchanged(Image, { ...image, colour: "red" })).not.toEqual({
      ...image,
      colour: "red",
    });
  });
});

describe("serialize.ts answers parse against the contract", () => {
  const at = (iso: string) => Timestamp.fromDate(new Date(iso));
  const batch = batchFromData("b_1", {
    partnerId: "p_1",
    clientName: "Acme",
    designStyle: "modern",
    roomType: "bedroom",
    priority: "high",
    engine: "gemini:gemini-3-pro-image",
    stagingOptions: { declutter: true, label: null, lane: "standard", cache: true },
    total: 2,
    queued: 0,
    processing: 0,
    completed: 1,
    failed: 1,
    cancelled: 0,
    status: "completed",
    createdAt: at("2026-11-30T10:00:00.000Z"),
    updatedAt: at("2026-11-30T10:01:00.000Z"),
    startedAt: at("2026-11-30T10:00:01.000Z"),
    completedAt: at("2026-11-30T10:01:00.000Z"),
    processingMsSum: 12000,
    costUsd: 0.101611,
    webhook: {
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      deliveredAt: at("2026-11-30T10:01:02.000Z"),
    },
  });
  const now = new Date("2026-11-30T10:02:00.000Z");

  it("the batch summary", () => {
    const body = batchSummary(batch);
    expect(parsesUnchanged(BatchSummary, body)).toEqual(body);
  });

  it("the batch status with a completed and a failed image", () => {
    const completed = imageFromData("i0", {
      index: 0,
      url: "https://photos.example.com/a.jpg",
      propertyCode: "IMG-1",
      status: "completed",
      attempts: 1,
      queuedAt: at("2026-11-30T10:00:00.500Z"),
      startedAt: at("2026-11-30T10:00:01.000Z"),
      completedAt: at("2026-11-30T10:00:13.000Z"),
      processingTimeMs: 12000,
      model: "gemini-3-pro-image",
      width: 1024,
      height: 768,
      bytes: 200000,
      costUsd: 0.101611,
      usage: { promptTokens: 1, outputTokens: 2, totalTokens: 3 },
      requestedImageSize: "2K",
    });
    const failed = imageFromData("i1", {
      index: 1,
      url: "https://photos.example.com/b.jpg",
      propertyCode: "IMG-2",
      status: "failed",
      attempts: 3,
      error: { code: "source_not_found", message: "source photo not found", retryable: false },
      queuedAt: at("2026-11-30T10:00:00.500Z"),
      startedAt: at("2026-11-30T10:00:50.000Z"),
      completedAt: at("2026-11-30T10:01:00.000Z"),
      processingTimeMs: 300,
    });
    const base = "https://api.example.com/api";
    const body = {
      success: true,
      ...batchStatus(batch, now),
      images: [imageView(completed, "b_1", base), imageView(failed, "b_1", base)],
      nextPageToken: null,
    };
    expect(parsesUnchanged(BatchSummary.and(BatchDetails), batchStatus(batch, now))).toEqual(
      batchStatus(batch, now),
    );
    expect(parsesUnchanged(BatchStatusResponse, body)).toEqual(body);
    expect(body.images[0]).toMatchObject({
      outputUrl: `${base}/batch/b_1/images/0/output`,
      lane: "standard",
    });
    expect(body).toMatchObject({ engine: "gemini", model: "gemini-3-pro-image", declutter: true });
  });
});
