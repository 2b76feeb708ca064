/**
 * The typed client's types (tools/client/openapi.d.ts) must be exactly what openapi-typescript
 * generates from the committed documentation/Public/openapi.json, so the CLI, the demo, the
 * benchmark and the tests are type-checked against the published contract.
 */
import { expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import type {
  BatchStatusBody,
  BatchSummaryBody,
  Body,
  CreateBatchRequest,
  ImageBody,
  UsageResponse,
} from "../../src/api/contract/index.js";
import { finishedStatusExample, statusExample } from "../../src/api/contract/examples.js";
import type { z } from "zod";
import type { ApiSchemas, StatusBody } from "../../tools/apiClient.js";
import { generateClientTypes, TYPES_FILE } from "../../tools/client/generate.js";

/** True when A and B are assignable both ways and name the same fields (optional ones too). */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
const sameShape = <T extends true>(): T => true as T;

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

it("the client's types are the contract's types (checked when this file compiles)", () => {
  sameShape<Same<ApiSchemas["BatchSummary"], BatchSummaryBody>>();
  sameShape<Same<ApiSchemas["Image"], ImageBody>>();
  sameShape<Same<ApiSchemas["UsageResponse"], Body<typeof UsageResponse>>>();
  // openapi-typescript makes a field with a default required (its defaultNonNullable option);
  // for the API, priority may be left out (default "normal").
  type CreateBody = z.input<typeof CreateBatchRequest>;
  sameShape<
    Same<Omit<ApiSchemas["CreateBatchRequest"], "priority">, Omit<CreateBody, "priority">>
  >();
  sameShape<
    Same<ApiSchemas["CreateBatchRequest"]["priority"], NonNullable<CreateBody["priority"]>>
  >();
  const polled: StatusBody[] = [statusExample, finishedStatusExample];
  const contract: BatchStatusBody[] = polled;
  expect(contract.map((s) => s.status)).toEqual(["processing", "completed"]);
});
