/**
 * The typed client's types (tools/client/openapi.d.ts) must be exactly what openapi-typescript
 * generates from the committed documentation/Public/openapi.json, so the CLI, the demo, the
 * benchmark and the tests are type-checked against the published contract.
 */
import { expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { generateClientTypes, TYPES_FILE } from "../../tools/client/generate.js";

it("tools/client/openapi.d.ts matches documentation/Public/openapi.json", async () => {
  const committed = readFileSync(TYPES_FILE, "utf8");
  const fresh = await generateClientTypes();
  if (committed !== fresh) {
    throw new Error(
      "tools/client/openapi.d.ts is stale: run `npm --prefix functions run client:generate`",
    );
  }
  expect(committed).toContain('"/batch/{batchId}/status"');
});
