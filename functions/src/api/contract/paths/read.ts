/** Operations that read: health, the options catalogue, the batch list and one batch's status. */
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { BatchListResponse, BatchStatusResponse } from "../batches.js";
import { finishedStatusExample, statusExample, summaryExample } from "../examples.js";
import { BatchPath, listQuerySchema, statusQuerySchema } from "../requests.js";
import { authErrors, batchErrors, InvalidQuery, jsonResponse } from "../responses.js";
import { Health, Options } from "../service.js";

export const readPaths: ZodOpenApiPathsObject = {
  "/health": {
    get: {
      operationId: "health",
      summary: "Liveness check (no API key needed)",
      security: [],
      tags: ["service"],
      responses: {
        "200": jsonResponse("The API is up.", Health, {
          success: true,
          status: "ok",
          time: "2025-06-02T10:00:00.000Z",
        }),
      },
    },
  },
  "/batch/options": {
    get: {
      operationId: "getOptions",
      summary: "Design styles, room types and priorities accepted by create",
      tags: ["batches"],
      responses: {
        "200": jsonResponse("The catalogue.", Options, {
          success: true,
          designStyles: [
            {
              id: "modern",
              label: "Modern",
              description:
                "clean lines, neutral palette with black accents, low-profile furniture, " +
                "uncluttered surfaces",
            },
          ],
          roomTypes: [
            {
              id: "living_room",
              label: "Living room",
              description: "sofa, armchairs, coffee table, rug, side tables, lamps and wall art",
            },
          ],
          priorities: ["normal", "high"],
        }),
        ...authErrors,
      },
    },
  },
  "/batch": {
    get: {
      operationId: "listBatches",
      summary: "List your batches, newest first",
      tags: ["batches"],
      requestParams: { query: listQuerySchema },
      responses: {
        "200": jsonResponse("One page of batches.", BatchListResponse, {
          success: true,
          batches: [summaryExample],
          nextPageToken: null,
        }),
        "400": InvalidQuery,
        ...authErrors,
      },
    },
  },
  "/batch/{batchId}/status": {
    get: {
      operationId: "getBatchStatus",
      summary: "Batch status, statistics and one page of images",
      tags: ["batches"],
      requestParams: { path: BatchPath, query: statusQuerySchema },
      responses: {
        "200": {
          description: "The batch and one page of its images.",
          content: {
            "application/json": {
              schema: BatchStatusResponse,
              examples: {
                processing: { summary: "While processing", value: statusExample },
                finished: {
                  summary: "Finished, with ?imageStatus=failed",
                  value: finishedStatusExample,
                },
              },
            },
          },
        },
        "400": InvalidQuery,
        ...batchErrors,
      },
    },
  },
};
