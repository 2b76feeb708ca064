/** Signed output links of the local store: valid until they expire, and only as issued. */
import { describe, expect, it } from "@jest/globals";
import {
  outputLinkQuery,
  signOutputLink,
  verifyOutputLink,
} from "../../../src/domain/outputLinkSignature.js";

const key = Buffer.alloc(32, 7);
const claims = { batchId: "b1", index: 3, expires: 2_000_000_000 };
const target = { batchId: "b1", index: 3 };
const sig = signOutputLink(key, claims);

describe("output link signatures", () => {
  it("accepts the link as issued, before it expires", () => {
    expect(verifyOutputLink(key, target, "2000000000", sig, 1_999_999_999)).toEqual({ ok: true });
    expect(outputLinkQuery(key, claims)).toBe(`expires=2000000000&signature=${sig}`);
  });

  it("refuses an expired link with output_link_expired", () => {
    expect(verifyOutputLink(key, target, "2000000000", sig, 2_000_000_000)).toMatchObject({
      ok: false,
      code: "output_link_expired",
    });
  });

  it.each([
    ["a later expiry", { ...target }, "2000000001", sig],
    ["another image", { ...target, index: 4 }, "2000000000", sig],
    ["another batch", { ...target, batchId: "b2" }, "2000000000", sig],
    [
      "a flipped signature digit",
      target,
      "2000000000",
      `${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}`,
    ],
    ["a short signature", target, "2000000000", sig.slice(0, 10)],
    ["no signature", target, "2000000000", undefined],
    ["a non-numeric expiry", target, "soon", sig],
    ["an array expiry", target, ["2000000000"], sig],
  ])("refuses %s with output_link_invalid", (_name, t, expires, signature) => {
    expect(verifyOutputLink(key, t, expires, signature, 1_000)).toMatchObject({
      ok: false,
      code: "output_link_invalid",
    });
  });

  it("refuses a link signed with another key", () => {
    const other = signOutputLink(Buffer.alloc(32, 8), claims);
    expect(verifyOutputLink(key, target, "2000000000", other, 1_000)).toMatchObject({
      code: "output_link_invalid",
    });
  });
});
