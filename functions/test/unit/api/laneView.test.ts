/** The lane fields of an image in the status: lane, model job, and the honest 24 h ETA. */
import { describe, expect, it } from "@jest/globals";
import { Timestamp } from "firebase-admin/firestore";
import { ECONOMY_ETA_NOTE, laneView } from "../../../src/api/laneView.js";
import type { ImageDoc } from "../../../src/store/imageStore.js";

const image = (over: Partial<ImageDoc>, data: Record<string, unknown>): ImageDoc =>
  ({ status: "queued", waitingFor: null, data, ...over }) as ImageDoc;

describe("laneView", () => {
  const created = Timestamp.fromDate(new Date("2026-11-30T10:00:00.000Z"));
  it("says standard for images without a lane (older images included)", () => {
    expect(laneView(image({}, {}))).toEqual({ lane: "standard" });
  });
  it("gives a waiting economy image its job and the job's creation + 24 h", () => {
    const waiting = image(
      { status: "processing", waitingFor: "model_batch" },
      { lane: "economy", modelJob: "batches/abc", modelJobCreatedAt: created },
    );
    expect(laneView(waiting)).toEqual({
      lane: "economy",
      modelJob: "batches/abc",
      estimatedCompletionBy: "2026-12-01T10:00:00.000Z",
      etaNote: ECONOMY_ETA_NOTE,
    });
  });
  it("drops the ETA once the image no longer waits for its job", () => {
    const done = image(
      { status: "completed" },
      { lane: "economy", modelJob: "batches/abc", modelJobCreatedAt: created },
    );
    expect(laneView(done)).toEqual({ lane: "economy", modelJob: "batches/abc" });
  });
});
