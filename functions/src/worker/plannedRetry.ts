/**
 * A task handler's planned retries, answered without an error log. Cloud Tasks retries a task on
 * any answer outside 2xx; firebase-functions logs every thrown error that is not an `HttpsError`
 * as "Unhandled error" (severity ERROR, with a stack), so each deliberate hand-back (an attempt
 * already in progress, a retryable model error the worker has logged as `image.retry_scheduled`)
 * showed in the logs as a crash. A retryable `StagingError` now answers 503 UNAVAILABLE with its
 * code; anything else is still thrown as it is (a real crash stays an error).
 */
import { HttpsError } from "firebase-functions/v2/https";
import { StagingError } from "../domain/stagingError.js";

export async function withPlannedRetries<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof StagingError && e.retryable)
      throw new HttpsError("unavailable", `${e.code}: ${e.message}`, { code: e.code });
    throw e;
  }
}
