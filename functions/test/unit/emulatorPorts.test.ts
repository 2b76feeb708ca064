/** The tools and tests reach the Emulator Suite at the addresses firebase.json configures. */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { emulatorOrigin, localApiBase } from "../../tools/emulatorPorts.js";

const { emulators } = JSON.parse(
  readFileSync(new URL("../../../firebase.json", import.meta.url), "utf8"),
);

describe("emulator addresses", () => {
  it("come from firebase.json: the API through Hosting's /api rewrite", () => {
    const { host, port } = emulators.hosting;
    expect(localApiBase()).toBe(`http://${host}:${port}/api`);
    expect(emulatorOrigin("firestore")).toBe(
      `http://${emulators.firestore.host}:${emulators.firestore.port}`,
    );
  });

  it("name the emulator whose port firebase.json does not set", () => {
    expect(() => emulatorOrigin("database")).toThrow(
      "firebase.json: emulators.database.port is not set",
    );
  });
});
