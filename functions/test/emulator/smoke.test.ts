/** `npm run smoke -- --emulator` (tools/smoke.ts) end to end against the Emulator Suite. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { API_BASE } from "./harness.js";

const SMOKE = fileURLToPath(new URL("../../lib/tools/smoke.js", import.meta.url));

test("the smoke test stages two rooms, prints their links and the cost, and exits 0", async () => {
  const child = spawn(
    process.execPath,
    [SMOKE, "--emulator", "--engine", "preview", "--base-url", API_BASE],
    { env: process.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect({ code, out }).toMatchObject({ code: 0 });
  expect(out).toContain("uploads unavailable here (emulator)");
  const links = out.match(/#\d completed http\S+\?expires=\d+&signature=[0-9a-f]{64}/g) ?? [];
  expect(links).toHaveLength(2);
  expect(out).toMatch(/completed: 2\/2 completed, cost \$0\.0000/);
  expect(out).toContain("key is revoked");
});
