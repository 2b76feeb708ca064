/**
 * The Cloud Storage output adapter and storage.rules, against the Storage emulator. That
 * emulator downloads a jar at run time, so offline runs do not start it: the tests then skip
 * and say why. Run them where it works: `firebase emulators:exec --only storage,firestore ...`.
 */
import { readFileSync } from "node:fs";
import { assertFails, initializeTestEnvironment } from "@firebase/rules-unit-testing";
import { getBytes, ref, uploadBytes } from "firebase/storage";
import { GcsOutputStore } from "../../src/outputs/gcsOutputStore.js";

const host = process.env.FIREBASE_STORAGE_EMULATOR_HOST;
const SKIP_REASON =
  "Storage emulator not running (offline machines cannot download its jar); the Cloud Storage adapter and storage.rules tests are skipped";
if (!host) console.warn(`[storage.test] SKIPPED: ${SKIP_REASON}`);
const maybe = host ? test : test.skip;

maybe(
  "GcsOutputStore saves an output without a permanent download token and reads it back",
  async () => {
    process.env.FIREBASE_CONFIG ??= JSON.stringify({
      projectId: "demo-virtual-staging",
      storageBucket: "demo-virtual-staging.appspot.com",
    });
    const store = new GcsOutputStore();
    const bytes = Buffer.from("not really a jpeg, but bytes");
    const saved = await store.save("staged/p1/b1/000001.jpg", bytes, "image/jpeg");
    // No firebaseStorageDownloadTokens: partners get expiring signed URLs (outputs/outputLinks.ts).
    expect(saved.downloadUrl).toBeNull();
    const read = await store.read("staged/p1/b1/000001.jpg");
    expect(read?.bytes.equals(bytes)).toBe(true);
    expect(read?.contentType).toBe("image/jpeg");
    expect(await store.read("staged/p1/b1/missing.jpg")).toBeNull();
  },
);

maybe("storage.rules deny clients every read and write", async () => {
  const [h, port] = host!.split(":");
  const env = await initializeTestEnvironment({
    projectId: "demo-rules-test",
    storage: {
      rules: readFileSync(new URL("../../../storage.rules", import.meta.url), "utf8"),
      host: h!,
      port: Number(port),
    },
  });
  for (const ctx of [env.unauthenticatedContext(), env.authenticatedContext("someone")]) {
    const storage = ctx.storage();
    await assertFails(uploadBytes(ref(storage, "staged/p1/b1/x.jpg"), new Uint8Array([1, 2, 3])));
    await assertFails(getBytes(ref(storage, "staged/p1/b1/x.jpg")));
  }
  await env.cleanup();
});
