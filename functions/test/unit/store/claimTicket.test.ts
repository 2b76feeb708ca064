/**
 * The claim ticket's codec: an image's fields survive the task's JSON exactly (Timestamps
 * included), a value a ticket cannot carry yields no ticket, and a malformed ticket reads as
 * none (the worker then reads the image).
 */
import { describe, expect, it } from "@jest/globals";
import { Timestamp } from "firebase-admin/firestore";
import { claimTicket, readClaimTicket } from "../../../src/store/claimTicket.js";

const claimedAt = new Timestamp(1_764_540_000, 123_456_789);
const image = {
  index: 7,
  url: "https://example.com/rooms/7.jpg",
  propertyCode: null,
  status: "queued",
  n: { queued: 1, processing: 0, completed: 0, failed: 0, cancelled: 0 },
  counterShard: 3,
  attempts: 0,
  generation: 2,
  queuedAt: new Timestamp(1_764_539_000, 5),
  taskEnqueuedAt: claimedAt,
  error: { code: "source_timeout", retryable: true, history: [new Timestamp(1, 0), "x"] },
  completedAt: null,
  deep: { flag: false, list: [1, [2, { at: new Timestamp(2, 999_999_999) }]] },
};

/** Through the task queue: JSON out and back. */
const viaTask = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe("claim tickets", () => {
  it("carry an image's fields and update time exactly through JSON", () => {
    const ticket = claimTicket(image, claimedAt);
    expect(ticket).toBeDefined();
    const read = readClaimTicket(viaTask(ticket));
    expect(read).not.toBeNull();
    expect(read!.updateTime.isEqual(claimedAt)).toBe(true);
    expect(read!.data).toEqual(image);
    expect(read!.data.queuedAt).toBeInstanceOf(Timestamp);
    expect(read!.data.deep.list[1][1].at).toBeInstanceOf(Timestamp);
  });

  it.each([
    ["a non-finite number", { ...image, attempts: Number.NaN }],
    ["a class instance other than a Timestamp", { ...image, at: new Date(0) }],
    ["a field named like the Timestamp marker", { ...image, error: { $ts: [1, 2] } }],
  ])("are not made for %s", (_label, data) => {
    expect(claimTicket(data, claimedAt)).toBeUndefined();
  });

  const good = viaTask(claimTicket(image, claimedAt)) as Record<string, unknown>;
  it.each([
    ["nothing", undefined],
    ["null", null],
    ["a string", "ticket"],
    ["no update time", { image: good.image }],
    ["nanoseconds out of range", { ...good, updateTime: [1, 1e9] }],
    ["seconds out of Timestamp's range", { ...good, updateTime: [1e15, 0] }],
    ["an array for the image", { ...good, image: [1, 2] }],
    ["a malformed Timestamp field", { ...good, image: { queuedAt: { $ts: [1] } } }],
    ["a Timestamp as the image", { ...good, image: { $ts: [1, 0] } }],
    ["an image without its status (a projection)", { ...good, image: { index: 7, generation: 2 } }],
  ])("read as none when given %s", (_label, ticket) => {
    expect(readClaimTicket(ticket)).toBeNull();
  });
});
