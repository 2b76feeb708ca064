/** The partner HTTP API (express). Mounted at / (function URL) and /api (Hosting rewrite). */
import express, { Router, type Request, type Response } from "express";
import { DESIGN_STYLES, ROOM_TYPES } from "../domain/catalog.js";
import { asyncRoute } from "./asyncRoute.js";
import { requirePartner } from "./auth.js";
import { errorHandler, notFoundHandler } from "./errorHandler.js";
import { createBatchRoute } from "./routes/createBatch.js";
import { outputRoute, signedOutputRoute } from "./routes/outputRoutes.js";
import { createUploadRoute } from "./routes/uploads.js";
import { usageRoute } from "./routes/usage.js";
import {
  cancelRoute,
  listRoute,
  redeliverWebhookRoute,
  retryFailedRoute,
  statusRoute,
} from "./routes/batchRoutes.js";
import type { Body, Health, Options } from "./contract/index.js";

export function buildRouter(): Router {
  const r = Router();
  r.get("/health", (_req: Request, res: Response) => {
    res.json({
      success: true,
      status: "ok",
      time: new Date().toISOString(),
    } satisfies Body<typeof Health>);
  });
  // A signed output link is its own credential; every other /batch request needs the key.
  r.get("/batch/:batchId/images/:index/output", signedOutputRoute);
  r.use("/batch", requirePartner);
  r.post("/uploads", requirePartner, asyncRoute(createUploadRoute));
  r.get("/usage", requirePartner, asyncRoute(usageRoute));
  r.get("/batch/options", (_req: Request, res: Response) => {
    res.json({
      success: true,
      designStyles: DESIGN_STYLES.map(({ id, label, description }) => ({ id, label, description })),
      roomTypes: ROOM_TYPES.map(({ id, label, description }) => ({ id, label, description })),
      priorities: ["normal", "high"],
    } satisfies Body<typeof Options>);
  });
  r.post("/batch/staging/create", asyncRoute(createBatchRoute));
  r.get("/batch", asyncRoute(listRoute));
  r.get("/batch/:batchId/status", asyncRoute(statusRoute));
  r.post("/batch/:batchId/retry-failed", asyncRoute(retryFailedRoute));
  r.post("/batch/:batchId/cancel", asyncRoute(cancelRoute));
  r.get("/batch/:batchId/images/:index/output", asyncRoute(outputRoute));
  r.post("/batch/:batchId/webhook/redeliver", asyncRoute(redeliverWebhookRoute));
  return r;
}

export function buildApp(): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  // The Functions runtime has already parsed JSON bodies; this only parses when it has not
  // (local use of the app), with the same size limit.
  app.use(express.json({ limit: "8mb" }));
  const router = buildRouter();
  app.use("/api", router);
  app.use("/", router);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
