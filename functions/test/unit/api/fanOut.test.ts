/**
 * A create whose fan-out cannot be enqueued: the failure is not silent. It is logged
 * as `batch.enqueue_failed` at error level (the event the enqueue-failed alert counts), and the
 * create goes on (the reconciler enqueues the fan-out later: reliability.test.ts covers that).
 */
import { beforeAll, describe, expect, it, jest } from "@jest/globals";

// firebase-functions' logger keeps the console.error it finds when first loaded, so the spy is
// installed before the module under test (and the logger) is imported.
const lines: string[] = [];
const spy = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
  lines.push(args.map(String).join(" "));
});
let enqueueFanOut: typeof import("../../../src/api/fanOut.js").enqueueFanOut;
beforeAll(async () => {
  ({ enqueueFanOut } = await import("../../../src/api/fanOut.js"));
});

describe("enqueueFanOut", () => {
  it("enqueues the fan-out and reports success", async () => {
    const calls: Array<[string, number]> = [];
    const ok = await enqueueFanOut("b_1", 3, async (id, n) => {
      calls.push([id, n]);
    });
    expect(ok).toBe(true);
    expect(calls).toEqual([["b_1", 3]]);
  });

  it("logs batch.enqueue_failed at error level with the cause, and does not throw", async () => {
    lines.length = 0;
    const ok = await enqueueFanOut("b_2", 2, async () => {
      throw new Error("7 PERMISSION_DENIED: cloudtasks.tasks.create denied");
    });
    expect(ok).toBe(false);
    expect(spy).toHaveBeenCalled();
    const entries = lines
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return null;
        }
      })
      .filter(
        (e): e is Record<string, unknown> => e !== null && e.event === "batch.enqueue_failed",
      );
    expect(entries).toEqual([
      expect.objectContaining({
        severity: "ERROR",
        batchId: "b_2",
        chunks: 2,
        error: "7 PERMISSION_DENIED: cloudtasks.tasks.create denied",
      }),
    ]);
  });
});
