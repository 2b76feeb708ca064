/** The bench's costPerImageUsd: the deployed defaults, priced from the registry, economy half. */
import { describe, expect, it } from "@jest/globals";
import { costPerImageUsd } from "../../../tools/costFigures.js";

describe("costPerImageUsd", () => {
  it("prices the default model and size in both lanes", () => {
    expect(costPerImageUsd()).toEqual({
      model: "gemini-3.1-flash-image",
      imageSize: "2K",
      standard: 0.10156,
      economy: 0.05078,
      source: "model registry",
    });
  });
  it("prices any registry model and size", () => {
    const c = costPerImageUsd("gemini-3.1-flash-image", "1K");
    expect([c.standard, c.economy]).toEqual([0.06796, 0.03398]);
    expect(() => costPerImageUsd("gemini-9", "1K")).toThrow(/gemini-9/);
  });
});
