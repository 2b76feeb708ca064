/**
 * What `firebase deploy` would create (`npm run deploy:check` runs this file): a snapshot of every
 * exported function's endpoint options and every declared param (`npm run regenerate` accepts a
 * deliberate change, reviewed in the diff), plus the rules that hold whatever the snapshot says.
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { at, loadCodebase, paramsIn, type Codebase, type Endpoint } from "./deployedCodebase.js";

/** The functions that call Gemini; only they may read its key. */
const GEMINI_CALLERS = ["pollModelJob", "stageImage", "submitEconomyJobs"];
/** 2nd gen memory sizes (MiB) and the longest timeout (s) per trigger. */
const MEMORY_MB = [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];
const MAX_TIMEOUT_S: Record<string, number> = {
  httpsTrigger: 3600,
  taskQueueTrigger: 1800,
  scheduleTrigger: 1800,
  eventTrigger: 540,
};
const triggerOf = (ep: Endpoint) => Object.keys(MAX_TIMEOUT_S).find((k) => k in ep)!;

let code: Codebase;
let endpoints: [string, Endpoint][];
beforeAll(async () => {
  code = await loadCodebase();
  endpoints = Object.entries(code.endpoints);
}, 60_000);

describe("deployed functions and params", () => {
  it("match the reviewed snapshot (npm run regenerate accepts a deliberate change)", () => {
    // One line a param: its type and code default ("int 30"; a secret has none).
    const params = Object.values(code.params).map((p) =>
      `${p.name}: ${p.type} ${JSON.stringify(p.default) ?? ""}`.trim(),
    );
    expect({ functions: code.endpoints, params }).toMatchSnapshot();
  });

  it("are 2nd gen functions in us-central1", () => {
    const where = endpoints.map(([name, ep]) => [name, ep.platform, ep.region]);
    expect(where).toEqual(endpoints.map(([name]) => [name, "gcfv2", ["us-central1"]]));
  });

  it("bind GEMINI_API_KEY in the Gemini callers only, declared with defineSecret", () => {
    const binding = endpoints.filter(([, ep]) => ep.secretEnvironmentVariables !== undefined);
    expect(binding.map(([name, ep]) => [name, ep.secretEnvironmentVariables])).toEqual(
      GEMINI_CALLERS.map((name) => [name, [{ key: "GEMINI_API_KEY" }]]),
    );
    expect(code.params.GEMINI_API_KEY).toEqual({ name: "GEMINI_API_KEY", type: "secret" });
  });

  it("take stageImage's queue retries and rate limits from QUEUE_* params", () => {
    const queue = at(code.endpoints.stageImage!, "taskQueueTrigger") as Record<string, Endpoint>;
    const fields = [...Object.values(queue.retryConfig!), ...Object.values(queue.rateLimits!)];
    expect(fields.map((v) => paramsIn(v)[0]?.slice(0, 6))).toEqual(Array(7).fill("QUEUE_"));
  });

  it("refer to declared params with defaults, none read with .value() while loading", () => {
    const params = Object.values(code.params);
    expect(params.filter((p) => p.type !== "secret" && p.default === undefined)).toEqual([]);
    const referenced = endpoints.flatMap(
      ([, ep]) => JSON.stringify(ep).match(/params\.\w+/g) ?? [],
    );
    expect(referenced.filter((r) => !(r.slice(7) in code.params))).toEqual([]);
    expect(code.loadWarnings.filter((w) => /invoked during function deployment/.test(w))).toEqual(
      [],
    );
  });

  it("keep every function but the api (Hosting's target) private", () => {
    expect(endpoints.filter(([, ep]) => at(ep, `${triggerOf(ep)}.invoker`) !== undefined)).toEqual(
      [],
    );
    const https = endpoints.filter(([, ep]) => triggerOf(ep) === "httpsTrigger");
    expect(https.map(([name]) => name)).toEqual(["api"]);
  });

  it("ask for a valid memory size, a timeout within the trigger's limit, cpu for concurrency", () => {
    for (const [name, ep] of endpoints) {
      const memory = at(ep, "availableMemoryMb", code.params) ?? 256;
      const timeout = at(ep, "timeoutSeconds", code.params) ?? 60;
      const limit = MAX_TIMEOUT_S[triggerOf(ep)]!;
      // More than one request per instance needs a whole CPU (2nd gen rule).
      const cpuOk =
        (at(ep, "concurrency", code.params) ?? 1) === 1 ||
        ((ep.cpu as number | undefined) ?? 1) >= 1;
      expect([
        name,
        MEMORY_MB.includes(memory as number),
        (timeout as number) <= limit,
        cpuOk,
      ]).toEqual([name, true, true, true]);
    }
  });
});
