/** firestore.rules deny every client read and write (tested against the Firestore emulator). */
import { readFileSync } from "node:fs";
import {
  assertFails,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { collection, doc, getDoc, getDocs, setDoc, deleteDoc } from "firebase/firestore";

// Set by `firebase emulators:exec` (npm test) from firebase.json.
const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(":");
let env: RulesTestEnvironment;

beforeAll(async () => {
  env = await initializeTestEnvironment({
    // A project id of its own, so loading rules here does not touch the pipeline's project.
    projectId: "demo-rules-test",
    firestore: {
      rules: readFileSync(new URL("../../../firestore.rules", import.meta.url), "utf8"),
      host: host!,
      port: Number(port),
    },
  });
});
afterAll(async () => {
  await env.cleanup();
});

const PATHS = [
  "partners/p1",
  "partners/p1/usage/2026-01-01",
  "apiKeys/abc",
  "batches/b1",
  "batches/b1/images/000001",
  "batches/b1/chunks/0000",
  "idempotencyKeys/k1",
  "system/modelQuotaCircuit",
  "anything/else",
];

test.each(PATHS)("clients can neither read nor write %s", async (path) => {
  for (const ctx of [
    env.unauthenticatedContext(),
    env.authenticatedContext("partner-user", { partnerId: "p1" }),
  ]) {
    const db = ctx.firestore();
    await assertFails(getDoc(doc(db, path)));
    await assertFails(setDoc(doc(db, path), { x: 1 }));
    await assertFails(deleteDoc(doc(db, path)));
    const parent = path.split("/").slice(0, -1).join("/");
    await assertFails(getDocs(collection(db, parent)));
  }
});
