/** API key rotation (two active keys) and revocation (effective within the cache time). */
import { addApiKey, revokeApiKeys } from "../../src/store/partnerStore.js";
import { API_BASE, ApiClient, newPartner } from "./harness.js";

test("rotation keeps both keys working; a revoked key is 401 within seconds", async () => {
  const p = await newPartner("Rotating partner");
  const newKey = await addApiKey(p.partnerId);
  const second = new ApiClient(API_BASE, newKey);
  expect((await p.client.get("/batch")).status).toBe(200);
  expect((await second.get("/batch")).status).toBe(200);

  expect(await revokeApiKeys(p.partnerId, p.apiKey)).toBe(1);
  // The emulator's key cache is 2 s (API_KEY_CACHE_SECONDS); production's is 30 s.
  let status = 200;
  for (let i = 0; i < 20 && status === 200; i++) {
    await new Promise((r) => setTimeout(r, 500));
    status = (await p.client.get("/batch")).status;
  }
  expect(status).toBe(401);
  expect((await second.get("/batch")).status).toBe(200);
});
