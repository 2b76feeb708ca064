/** POST /batch/staging/create: validate, check quotas, write atomically, enqueue fan-out. */
import type { Request, Response } from "express";
import { apiSettings, defaultQuotas, urlRules } from "../../config/runtimeConfig.js";
import { ApiError } from "../apiError.js";
import { DomainError } from "../../domain/domainError.js";
import {
  findForbiddenKey,
  jsonDepth,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
} from "../../domain/bodyLimits.js";
import { validateCreateRequest } from "../../domain/createRequest.js";
import { findDuplicateKey } from "../../domain/duplicateKeys.js";
import { formatEngineSpec, isEngineName } from "../../engines/engineNames.js";
import { findModel } from "../../engines/modelRegistry.js";
import { resolveStagingOptions } from "../../domain/stagingOptions.js";
import { createBatch } from "../../store/batchCreate.js";
import type { Partner } from "../../store/partnerStore.js";
import { logEvent } from "../../util/log.js";
import { partnerOf } from "../auth.js";
import { enqueueFanOut } from "../fanOut.js";
import type { Body, CreateBatchResponse } from "../contract/index.js";
import { IDEMPOTENCY_KEY_PATTERN } from "../contract/requests.js";

function checkStructure(req: Request): unknown {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  const size = raw?.length ?? Number(req.get("content-length") ?? 0);
  if (size > MAX_BODY_BYTES) {
    throw new ApiError(
      413,
      "payload_too_large",
      `The request body may be at most ${MAX_BODY_BYTES} bytes`,
      { limitBytes: MAX_BODY_BYTES },
    );
  }
  if (!req.is("application/json")) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      "Send the request as Content-Type: application/json",
    );
  }
  const body: unknown = req.body;
  if (jsonDepth(body) > MAX_JSON_DEPTH) {
    throw DomainError.invalid(`The JSON body may be nested at most ${MAX_JSON_DEPTH} levels deep`, [
      { field: "", code: "too_deep", message: "Nesting too deep" },
    ]);
  }
  const duplicate = raw ? findDuplicateKey(raw.toString("utf8")) : null;
  if (duplicate !== null) {
    throw DomainError.invalid(`Field "${duplicate}" appears more than once in one object`, [
      { field: duplicate, code: "duplicate_field", message: "Duplicated field" },
    ]);
  }
  const forbidden = findForbiddenKey(body);
  if (forbidden) {
    throw DomainError.invalid(`Field name "${forbidden}" is not allowed`, [
      { field: forbidden, code: "forbidden_field", message: "Reserved field name" },
    ]);
  }
  return body;
}

/**
 * The engine spec the batch records: the partner's engine, with the partner's model or the
 * batch's `model` when the partner allows that model (403 model_not_allowed otherwise).
 */
function chooseEngine(
  partner: Partner,
  requested: string | undefined,
  defaultEngine: string,
): string {
  const engine = partner.engine ?? defaultEngine;
  if (!isEngineName(engine)) throw new Error(`misconfigured engine "${engine}"`);
  if (requested !== undefined) {
    const allowed = partner.allowedModels ?? [];
    if (engine !== "gemini" || !allowed.includes(requested) || !findModel(requested)) {
      throw new ApiError(
        403,
        "model_not_allowed",
        allowed.length && engine === "gemini"
          ? `This account may choose the model ${allowed.join(" or ")}; "${requested}" is not one of them`
          : "This account cannot choose the model per batch: leave `model` out",
        { field: "model", allowedModels: engine === "gemini" ? allowed : [] },
      );
    }
    return formatEngineSpec({ engine, model: requested });
  }
  return formatEngineSpec({ engine, model: engine === "gemini" ? partner.model : undefined });
}

export async function createBatchRoute(req: Request, res: Response): Promise<void> {
  const partner = partnerOf(res);
  const body = checkStructure(req);
  const idempotencyKey = req.get("idempotency-key");
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw DomainError.invalid("Idempotency-Key must be 1 to 255 printable ASCII characters", [
      {
        field: "Idempotency-Key",
        code: "invalid_format",
        message: "1 to 255 printable ASCII characters",
      },
    ]);
  }
  const validation = validateCreateRequest(body, urlRules(partner.partnerId));
  if (!validation.ok) {
    throw DomainError.invalid(
      `Invalid request: ${validation.issues
        .map((i) => i.field || "body")
        .slice(0, 5)
        .join(", ")}`,
      validation.issues,
    );
  }
  const settings = apiSettings();
  const engine = chooseEngine(partner, validation.value.model, settings.defaultEngine);

  const outcome = await createBatch({
    partnerId: partner.partnerId,
    request: validation.value,
    engine,
    stagingOptions: resolveStagingOptions(validation.value, partner),
    quotas: { ...defaultQuotas(), ...partner.quotas },
    idempotencyKey,
    counterShards: settings.counterShards,
  });
  // Repeated for a replayed Idempotency-Key too: that recovers a create that died before
  // enqueueing. Task ids are deterministic, so nothing runs twice. A failure is logged and left
  // to the reconciler (see api/fanOut.ts); the partner still gets the batch id.
  await enqueueFanOut(outcome.batchId, outcome.chunkCount);
  if (!outcome.replayed) {
    logEvent("batch.created", {
      batchId: outcome.batchId,
      partnerId: partner.partnerId,
      total: outcome.total,
      chunks: outcome.chunkCount,
      engine,
    });
  }
  res.status(202).json({
    success: true,
    batchId: outcome.batchId,
    total: outcome.total,
    status: "queued",
    ...(outcome.replayed ? { replayed: true } : {}),
    message: outcome.replayed
      ? "Batch already created for this Idempotency-Key"
      : `Batch accepted: ${outcome.total} image(s) queued for staging`,
  } satisfies Body<typeof CreateBatchResponse>);
}
