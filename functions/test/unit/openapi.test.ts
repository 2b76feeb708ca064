/**
 * The checked-in OpenAPI document (documentation/Public/openapi.json) must be exactly what
 * functions/tools/openapi.ts renders from the HTTP contract (src/api/contract/), must describe
 * every route of the express router, and must offer exactly the catalogue's style and room type
 * ids. The examples are checked against their schemas in test/unit/api/contract.test.ts.
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import type { Router } from "express";
import { DESIGN_STYLE_IDS, ROOM_TYPE_IDS } from "../../src/domain/catalog.js";
import { buildOpenApi, openApiPath, renderOpenApi } from "../../tools/openapi.js";

const REGENERATE =
  "documentation/Public/openapi.json is stale. Regenerate it: " +
  "npm --prefix functions run build && node functions/lib/tools/openapi.js --write";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Follows a path of keys; fails the test with the path when something is missing. */
function at(root: Json, ...keys: string[]): Json {
  let node: Json | undefined = root;
  for (const key of keys) {
    if (!isObject(node)) throw new Error(`openapi.json: no object at ${keys.join(" > ")}`);
    node = node[key];
  }
  if (node === undefined) throw new Error(`openapi.json: nothing at ${keys.join(" > ")}`);
  return node;
}

/** "METHOD /path" for every route of the router, with express params as OpenAPI {params}. */
async function routerRoutes(): Promise<string[]> {
  try {
    const { buildRouter } = await import("../../src/api/app.js");
    const router: Router = buildRouter();
    const routes: string[] = [];
    for (const layer of router.stack) {
      const route = layer.route;
      if (!route) continue; // middleware (the /batch auth guard)
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      for (const method of new Set(route.stack.map((l) => l.method))) {
        routes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    return routes;
  } catch (e) {
    // Importing the app needs the Firebase SDKs; if that ever breaks outside the runtime, read
    // the route table from the source instead.
    console.warn(`openapi.test: importing app.ts failed (${String(e)}); reading its source`);
    const source = readFileSync(new URL("../../src/api/app.ts", import.meta.url), "utf8");
    return [...source.matchAll(/\br\.(get|post|put|patch|delete)\(\s*"([^"]+)"/g)].map(
      (m) => `${m[1]!.toUpperCase()} ${m[2]!.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`,
    );
  }
}

describe("OpenAPI document", () => {
  const doc = buildOpenApi() as JsonObject;

  it("is checked in exactly as generated", () => {
    const onDisk = readFileSync(openApiPath(), "utf8");
    // The parsed comparison gives a readable diff; the text comparison catches formatting.
    expect({ note: REGENERATE, doc: JSON.parse(onDisk) as Json }).toEqual({
      note: REGENERATE,
      doc: JSON.parse(JSON.stringify(doc)) as Json,
    });
    expect(onDisk === renderOpenApi(doc) ? "up to date" : REGENERATE).toBe("up to date");
  });

  it("is deterministic", () => {
    expect(renderOpenApi(buildOpenApi())).toBe(renderOpenApi(doc));
  });

  it("describes every route of the express router", async () => {
    const routes = await routerRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const paths = at(doc, "paths");
    const missing = routes.filter((r) => {
      const [method, path] = r.split(" ") as [string, string];
      const item = isObject(paths) ? paths[path] : undefined;
      return !isObject(item) || !isObject(item[method.toLowerCase()]);
    });
    expect(missing).toEqual([]);
  });

  it("offers exactly the catalogue's design styles and room types", () => {
    const create = ["components", "schemas", "CreateBatchRequest", "properties"];
    expect(at(doc, ...create, "designStyle", "enum")).toEqual([...DESIGN_STYLE_IDS]);
    expect(at(doc, ...create, "roomType", "enum")).toEqual([...ROOM_TYPE_IDS]);
    const summary = ["components", "schemas", "BatchSummary", "properties"];
    expect(at(doc, ...summary, "designStyle", "enum")).toEqual([...DESIGN_STYLE_IDS]);
    expect(at(doc, ...summary, "roomType", "enum")).toEqual([...ROOM_TYPE_IDS]);
    expect(at(doc, "components", "schemas", "DesignStyle", "properties", "id", "enum")).toEqual([
      ...DESIGN_STYLE_IDS,
    ]);
    expect(at(doc, "components", "schemas", "RoomType", "properties", "id", "enum")).toEqual([
      ...ROOM_TYPE_IDS,
    ]);
  });

  it("declares bearer authentication, with only /health open", () => {
    expect(at(doc, "components", "securitySchemes", "bearerAuth", "scheme")).toBe("bearer");
    expect(at(doc, "security")).toEqual([{ bearerAuth: [] }]);
    expect(at(doc, "paths", "/health", "get", "security")).toEqual([]);
  });

  it("every $ref points at a defined component", () => {
    const refs = new Set<string>();
    const walk = (n: Json): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (isObject(n)) {
        for (const [k, v] of Object.entries(n)) {
          if (k === "$ref" && typeof v === "string") refs.add(v);
          else walk(v);
        }
      }
    };
    walk(doc);
    const dangling = [...refs].filter((r) => {
      const parts = r.replace(/^#\//, "").split("/");
      try {
        at(doc, ...parts);
        return false;
      } catch {
        return true;
      }
    });
    expect(refs.size).toBeGreaterThan(10);
    expect(dangling).toEqual([]);
  });
});
