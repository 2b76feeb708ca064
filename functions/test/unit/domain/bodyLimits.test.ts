import { describe, expect, it, test } from "@jest/globals";
import {
  findForbiddenKey,
  jsonDepth,
  MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
} from "../../../src/domain/bodyLimits.js";

/** {"a":{"a":...{}}} with `depth` nested objects. */
function nestedObjects(depth: number): unknown {
  let v: unknown = {};
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}
function nestedArrays(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

describe("constants", () => {
  it("8 MiB body and 8 levels of nesting", () => {
    expect(MAX_BODY_BYTES).toBe(8 * 1024 * 1024);
    expect(MAX_JSON_DEPTH).toBe(8);
  });
});

describe("jsonDepth", () => {
  test.each<[string, unknown, number]>([
    ["null", null, 0],
    ["string", "x", 0],
    ["number", 1, 0],
    ["boolean", true, 0],
    ["undefined", undefined, 0],
    ["empty object", {}, 1],
    ["empty array", [], 1],
    ["flat object", { a: 1, b: "x", c: null }, 1],
    ["object in array", [{ a: 1 }], 2],
    ["a create body", { images: [{ url: "https://a/b.jpg" }], clientName: "x" }, 3],
    ["deepest branch wins", { a: {}, b: { c: { d: [] } }, e: 1 }, 4],
  ])("%s", (_name, value, expected) => {
    expect(jsonDepth(value)).toBe(expected);
  });

  it("counts nested objects and arrays exactly up to the limit", () => {
    for (let d = 1; d <= MAX_JSON_DEPTH + 1; d++) {
      expect(jsonDepth(nestedObjects(d))).toBe(d);
      expect(jsonDepth(nestedArrays(d))).toBe(d);
    }
  });

  it("the boundary: depth 8 is accepted, depth 9 is over the limit", () => {
    expect(jsonDepth(nestedObjects(MAX_JSON_DEPTH))).toBeLessThanOrEqual(MAX_JSON_DEPTH);
    expect(jsonDepth(nestedObjects(MAX_JSON_DEPTH + 1))).toBeGreaterThan(MAX_JSON_DEPTH);
  });

  it("stops counting past the limit on hostile input (100,000 levels, no stack overflow)", () => {
    const deep = JSON.parse("[".repeat(100_000) + "]".repeat(100_000)) as unknown;
    const d = jsonDepth(deep);
    expect(d).toBeGreaterThan(MAX_JSON_DEPTH);
    expect(d).toBeLessThanOrEqual(MAX_JSON_DEPTH + 2);
  });

  it("respects an explicit limit", () => {
    expect(jsonDepth(nestedObjects(50), 3)).toBe(4);
    expect(jsonDepth(nestedObjects(2), 3)).toBe(2);
    expect(jsonDepth({ a: 1 }, 0)).toBe(1);
  });

  it("finds a deep branch behind many shallow siblings", () => {
    const body: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) body[`k${i}`] = { v: i };
    body.zzz = nestedObjects(20);
    expect(jsonDepth(body)).toBeGreaterThan(MAX_JSON_DEPTH);
  });
});

describe("findForbiddenKey", () => {
  it("is null for ordinary bodies and primitives", () => {
    expect(findForbiddenKey(null)).toBeNull();
    expect(findForbiddenKey("__proto__")).toBeNull();
    expect(findForbiddenKey(42)).toBeNull();
    expect(findForbiddenKey({ images: [{ url: "https://a/b.jpg" }], clientName: "x" })).toBeNull();
  });

  it("finds a top-level __proto__ key created by JSON.parse", () => {
    const body = JSON.parse('{"clientName":"x","__proto__":{"isAdmin":true}}') as unknown;
    expect(Object.keys(body as object)).toContain("__proto__"); // an own key, not the prototype
    expect(findForbiddenKey(body)).toBe("__proto__");
    // Parsing alone did not pollute anything.
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it("finds __proto__ nested inside an array of objects", () => {
    const body = JSON.parse(
      '{"images":[{"url":"https://a/1.jpg"},{"url":"https://a/2.jpg","__proto__":{"x":1}}]}',
    ) as unknown;
    expect(findForbiddenKey(body)).toBe("__proto__");
  });

  it("finds constructor and prototype keys", () => {
    expect(findForbiddenKey(JSON.parse('{"constructor":{"prototype":{"x":1}}}') as unknown)).toBe(
      "constructor",
    );
    expect(findForbiddenKey(JSON.parse('{"a":{"b":{"prototype":1}}}') as unknown)).toBe(
      "prototype",
    );
    expect(findForbiddenKey(JSON.parse('[[{"constructor":null}]]') as unknown)).toBe("constructor");
  });

  it("only checks keys, not values, and matches names exactly", () => {
    expect(findForbiddenKey({ clientName: "__proto__", roomType: "constructor" })).toBeNull();
    expect(findForbiddenKey(["__proto__", "prototype"])).toBeNull();
    expect(
      findForbiddenKey(
        JSON.parse('{"Constructor":1,"__proto":2,"proto":3," __proto__":4}') as unknown,
      ),
    ).toBeNull();
  });

  it("finds forbidden keys down to the maximum accepted depth", () => {
    // The key sits in the 8th nested object: the deepest body jsonDepth lets through.
    let json = '{"__proto__":1}';
    for (let i = 1; i < MAX_JSON_DEPTH; i++) json = `{"a":${json}}`;
    const body = JSON.parse(json) as unknown;
    expect(jsonDepth(body)).toBe(MAX_JSON_DEPTH);
    expect(findForbiddenKey(body)).toBe("__proto__");
  });
});
