/** API key rotation (two active keys) and revocation (effective within the cache time). */
import { addApiKey, revokeApiKeys } from "../../src/store/partnerStore.js";
import { API_BASE, ApiClient, eventually, newPartner } from "./harness.js";

test("rotation keeps both keys working; a revoked key is 401 within seconds", async () => {
  const p = await newPartner("Rotating partner");
  const newKey = await addApiKey(p.partnerId);
  const second = new ApiClient(API_BASE, newKey);
  expect((await p.client.get("/batch")).status).toBe(200);
  expect((await second.get("/batch")).status).toBe(200);

  expect(await revokeApiKeys(p.partnerId, p.apiKey)).toBe(1);
  // The emulator's key cache is 2 s (API_KEY_CACHE_SECONDS); production's is 30 s.
  await eventually(
    "the revoked key to be refused",
    async () => (await p.client.get("/batch")).status === 401,
    10_000,
  );
  expect((await second.get("/batch")).status).toBe(200);
});
