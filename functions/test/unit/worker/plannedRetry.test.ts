import { describe, expect, it } from "@jest/globals";
import { HttpsError } from "firebase-functions/v2/https";
import { StagingError } from "../../../src/domain/stagingError.js";
import { withPlannedRetries } from "../../../src/worker/plannedRetry.js";

describe("withPlannedRetries", () => {
  it("passes the handler's result through", async () => {
    await expect(withPlannedRetries(() => Promise.resolve("completed"))).resolves.toBe("completed");
  });

  it("answers a retryable StagingError as 503 UNAVAILABLE with its code (no error log)", async () => {
    const thrown = await withPlannedRetries(() =>
      Promise.reject(
        new StagingError("attempt_in_progress", "Another attempt", { retryable: true }),
      ),
    ).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(HttpsError);
    const e = thrown as HttpsError;
    expect(e.code).toBe("unavailable");
    expect(e.httpErrorCode.status).toBe(503);
    expect(e.details).toEqual({ code: "attempt_in_progress" });
    expect(e.message).toBe("attempt_in_progress: Another attempt");
  });

  it("leaves a permanent StagingError and any other error as they are (a crash stays an error)", async () => {
    const permanent = new StagingError("unsupported_image", "cannot decode", { retryable: false });
    await expect(withPlannedRetries(() => Promise.reject(permanent))).rejects.toBe(permanent);
    const crash = new TypeError("x is undefined");
    await expect(withPlannedRetries(() => Promise.reject(crash))).rejects.toBe(crash);
  });
});
