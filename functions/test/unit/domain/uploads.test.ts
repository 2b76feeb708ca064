/** Partner upload paths: always under the partner's own prefix, with a safe name. */
import { describe, expect, it } from "@jest/globals";
import { createUploadSchema, uploadObjectPath, uploadPrefix } from "../../../src/domain/uploads.js";
import { checkSourceUrl } from "../../../src/domain/urlPolicy.js";

const now = new Date("2026-11-30T09:00:00Z");

describe("uploads", () => {
  it("puts an upload under uploads/{partnerId}/{day}/ with the type's extension", () => {
    expect(uploadObjectPath("pA", { contentType: "image/png" }, now, "abc123")).toBe(
      "uploads/pA/2026-11-30/abc123.png",
    );
    expect(
      uploadObjectPath("pA", { contentType: "image/jpeg", fileName: "living-room.JPG" }, now, "r1"),
    ).toBe("uploads/pA/2026-11-30/r1-living-room.jpg");
  });

  it("gives a path that the partner's own create-time URL policy accepts", () => {
    const path = uploadObjectPath("pA", { contentType: "image/webp" }, now);
    const policy = {
      allowHttp: false,
      allowPrivateHosts: false,
      gcsBucket: "proj.appspot.com",
      gcsPrefix: uploadPrefix("pA"),
    };
    expect(checkSourceUrl(`gs://proj.appspot.com/${path}`, policy).ok).toBe(true);
    expect(
      checkSourceUrl(`gs://proj.appspot.com/${path}`, { ...policy, gcsPrefix: "uploads/pB/" }),
    ).toMatchObject({ code: "url_gcs_path_not_allowed" });
  });

  it.each([
    [{ contentType: "image/gif" }],
    [{ contentType: "text/html" }],
    [{}],
    [{ contentType: "image/png", fileName: "../../staged/pB/x" }],
    [{ contentType: "image/png", fileName: "a/b.png" }],
    [{ contentType: "image/png", extra: 1 }],
  ])("refuses %j", (body) => {
    expect(createUploadSchema.safeParse(body).success).toBe(false);
  });
});
