import { DESIGN_STYLES, ROOM_TYPES } from "../../../src/domain/catalog.js";
import { isStagingError } from "../../../src/domain/stagingError.js";
import { PROMPT_VERSION, buildStagingPrompt } from "../../../src/engines/prompts.js";

// The rules every prompt must carry, whatever the style and room.
const REQUIRED_PHRASES = [
  "walls, windows, doors, floor, ceiling",
  "perspective, camera angle",
  "lighting",
  "Do not change the view through the windows.",
  "Only add furniture and decor.",
  "photorealistic",
  "No people",
  "No text",
  "watermarks",
];

describe("buildStagingPrompt", () => {
  it("has a version recorded on results", () => {
    expect(PROMPT_VERSION).toBe("staging-v1");
  });

  const combos = DESIGN_STYLES.flatMap((s) => ROOM_TYPES.map((r) => [s, r] as const));

  it.each(combos.map(([s, r]) => [s.id, r.id, s, r] as const))(
    "%s x %s carries the style, the room and the keep-architecture rules",
    (styleId, roomId, style, room) => {
      const prompt = buildStagingPrompt(styleId, roomId);
      expect(prompt).toContain(style.label);
      expect(prompt).toContain(style.description);
      expect(prompt).toContain(room.label.toLowerCase());
      expect(prompt).toContain(room.description);
      for (const phrase of REQUIRED_PHRASES) expect(prompt).toContain(phrase);
      // Catalog ids (snake_case) are for machines; the model should see words.
      expect(prompt).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      expect(prompt).not.toMatch(/\ba [aeiou]/i);
    },
  );

  it("covers every combination", () => {
    expect(combos).toHaveLength(DESIGN_STYLES.length * ROOM_TYPES.length);
  });

  it("is stable (snapshot: review wording changes and bump PROMPT_VERSION)", () => {
    expect(buildStagingPrompt("scandinavian", "living_room")).toMatchSnapshot();
    expect(buildStagingPrompt("industrial", "kitchen")).toMatchSnapshot();
  });

  it.each([
    ["baroque", "living_room", "invalid_design_style"],
    ["modern", "garage", "invalid_room_type"],
    ["", "", "invalid_design_style"],
  ])("rejects unknown ids (%s, %s) with a permanent %s", (style, room, code) => {
    let thrown: unknown;
    try {
      buildStagingPrompt(style, room);
    } catch (e) {
      thrown = e;
    }
    expect(isStagingError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code, retryable: false });
  });
});
