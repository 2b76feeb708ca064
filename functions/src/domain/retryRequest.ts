/**
 * The body of POST /batch/:batchId/retry-failed (optional): which lane runs the retried images.
 * By default they go back to the batch's own lane (an economy batch's images to the Gemini Batch
 * API again); a partner in a hurry may ask for `standard`.
 */
import { z } from "zod";
import { LANES, type Lane } from "./stagingOptions.js";

export const retryFailedSchema = z.strictObject({
  lane: z
    .enum(LANES)
    .optional()
    .describe(
      "Lane of the retried images; default: the batch's lane. `economy` needs a Gemini engine (otherwise standard).",
    ),
});

export type RetryFailedRequest = z.infer<typeof retryFailedSchema>;

/** The lane the retried images run in. */
export function retryLane(request: RetryFailedRequest, batchLane: Lane): Lane {
  return request.lane ?? batchLane;
}
