import {
  isCacheScope,
  resultCacheDocId,
  resultCacheKey,
  sha256Hex,
  type CacheKeyInput,
} from "../../../src/domain/cacheKey.js";

const base: CacheKeyInput = {
  inputSha256: sha256Hex(Buffer.from("the prepared photo")),
  designStyle: "scandinavian",
  roomType: "living_room",
  model: "gemini-3.1-flash-image",
  imageSize: "2K",
  promptVersion: "p1",
  declutter: false,
  label: null,
  output: { format: "jpeg", quality: 88, maxDimension: 4096, upscale: false },
};

describe("resultCacheKey", () => {
  it("is a stable sha256 of the request, independent of property order", () => {
    const key = resultCacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as CacheKeyInput;
    expect(resultCacheKey(reordered)).toBe(key);
    expect(resultCacheKey({ ...base })).toBe(key);
  });

  it.each<[string, Partial<CacheKeyInput>]>([
    ["photo", { inputSha256: sha256Hex(Buffer.from("another photo")) }],
    ["style", { designStyle: "modern" }],
    ["room type", { roomType: "bedroom" }],
    ["model", { model: "gemini-3-pro-image" }],
    ["image size", { imageSize: "4K" }],
    ["prompt version", { promptVersion: "p2" }],
    ["declutter", { declutter: true }],
    ["label", { label: { text: "Virtually staged" } }],
    ["label position", { label: { position: "top-left" } }],
    ["output format", { output: { ...base.output, format: "webp" } }],
    ["output quality", { output: { ...base.output, quality: 80 } }],
    ["output upscale", { output: { ...base.output, upscale: true } }],
  ])("changes with the %s", (_name, change) => {
    expect(resultCacheKey({ ...base, ...change })).not.toBe(resultCacheKey(base));
  });

  it("treats a label's absent fields alike however the object was built", () => {
    expect(resultCacheKey({ ...base, label: { text: "A", position: undefined } })).toBe(
      resultCacheKey({ ...base, label: { text: "A" } }),
    );
    // An empty label (the default text and position) is still a label, unlike none.
    expect(resultCacheKey({ ...base, label: {} })).not.toBe(resultCacheKey(base));
  });
});

describe("resultCacheDocId", () => {
  const key = resultCacheKey(base);
  it("keeps partners apart in partner scope", () => {
    expect(resultCacheDocId("partner", "p1", key)).not.toBe(resultCacheDocId("partner", "p2", key));
    expect(resultCacheDocId("partner", "p1", key)).toBe(resultCacheDocId("partner", "p1", key));
  });
  it("shares one entry across partners in project scope", () => {
    expect(resultCacheDocId("project", "p1", key)).toBe(resultCacheDocId("project", "p2", key));
    expect(resultCacheDocId("project", "p1", key)).not.toBe(resultCacheDocId("partner", "p1", key));
  });
  it("knows its scopes", () => {
    expect(isCacheScope("partner")).toBe(true);
    expect(isCacheScope("project")).toBe(true);
    expect(isCacheScope("global")).toBe(false);
  });
});
