/**
 * Which failed commits a conditional change may decide again on a fresh read: only those that
 * wrote nothing (a failed precondition, a deleted document, an aborted commit). Anything else
 * (a deadline, an unavailable backend) may have been applied and is the caller's error.
 */
import { describe, expect, it } from "@jest/globals";
import { wasNotApplied } from "../../../src/store/conditionalCommit.js";

describe("wasNotApplied", () => {
  it.each([
    [5, "NOT_FOUND"],
    [9, "FAILED_PRECONDITION"],
    [10, "ABORTED"],
  ])("code %i (%s): nothing was written, decide again", (code) => {
    expect(wasNotApplied(Object.assign(new Error("x"), { code }))).toBe(true);
  });

  it.each([
    [4, "DEADLINE_EXCEEDED"],
    [14, "UNAVAILABLE"],
    [13, "INTERNAL"],
  ])("code %i (%s): it may have been written, so it is an error", (code) => {
    expect(wasNotApplied(Object.assign(new Error("x"), { code }))).toBe(false);
  });

  it("an error without a code, or no error object at all, is not a refusal", () => {
    expect(wasNotApplied(new Error("x"))).toBe(false);
    expect(wasNotApplied(null)).toBe(false);
    expect(wasNotApplied("9")).toBe(false);
  });
});
