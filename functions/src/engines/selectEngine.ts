/** Builds the engine a batch asked for, once per instance. */
import * as p from "../config/params.js";
import { logger } from "firebase-functions";
import type { StagingEngine } from "./engine.js";
import { GeminiEngine } from "./gemini.js";
import { parsePriceTable, DEFAULT_PRICE_TABLE } from "./pricing.js";
import { PreviewEngine } from "./preview.js";

const engines = new Map<string, StagingEngine>();

export function getEngine(name: string): StagingEngine {
  const cached = engines.get(name);
  if (cached) return cached;
  let engine: StagingEngine;
  if (name === "preview") {
    engine = new PreviewEngine(p.previewLatencyMs.value());
  } else if (name === "gemini") {
    const table = p.geminiPriceTable.value();
    engine = new GeminiEngine({
      apiKey: p.geminiApiKey.value(),
      model: p.geminiModel.value(),
      baseUrl: p.geminiBaseUrl.value() || undefined,
      timeoutMs: p.geminiTimeoutMs.value(),
      priceTable: table ? parsePriceTable(table) : DEFAULT_PRICE_TABLE,
      logger: { warn: (m, d) => logger.warn(m, d), error: (m, d) => logger.error(m, d) },
    });
  } else {
    throw new Error(`unknown engine ${name}`);
  }
  engines.set(name, engine);
  return engine;
}
