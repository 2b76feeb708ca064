import { DESIGN_STYLES, ROOM_TYPES } from "../../../src/domain/catalog.js";
import { isStagingError } from "../../../src/domain/stagingError.js";
import { PROMPT_VERSION, buildStagingPrompt } from "../../../src/engines/prompts.js";

// The rules every prompt must carry, whatever the style and room.
const REQUIRED_PHRASES = [
  "walls, windows, doors, floor, ceiling",
  "fixtures and light fittings",
  "the view through the windows",
  "perspective, lens and framing",
  "the photo's lighting",
  "movable furniture or decor",
  "floor lamps and table lamps",
  "nothing is mounted on the walls or the ceiling except framed art",
  "photorealistic",
  "no people",
  "no text",
  "watermarks",
];

// Permanent features a listing photo must not gain (MLS rules, California AB 723): none of
// these may be asked for by the catalogue or the prompt.
const FORBIDDEN = [
  /pendant/i,
  /chandelier/i,
  /statement lighting/i,
  /edison/i,
  /curtain/i,
  /blinds/i,
  /sconce/i,
  /ceiling (light|fan)/i,
  /\bat the counter\b/i,
  /wallpaper/i,
  /\bshelving\b/i,
];

describe("buildStagingPrompt", () => {
  it("has a version recorded on results", () => {
    expect(PROMPT_VERSION).toBe("staging-v2");
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
      for (const word of FORBIDDEN) expect(prompt).not.toMatch(word);
      expect(prompt).toContain("Every object already in the room stays where it is");
      expect(prompt).not.toContain("clear away");
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
    expect(buildStagingPrompt("luxury", "bedroom", { declutter: true })).toMatchSnapshot();
  });

  it("removes clutter only when the batch asks for it (declutter: true)", () => {
    const kept = buildStagingPrompt("modern", "bedroom");
    const cleared = buildStagingPrompt("modern", "bedroom", { declutter: true });
    expect(kept).toContain("Every object already in the room stays where it is");
    expect(cleared).toContain("First clear away loose clutter and personal items");
    expect(cleared).toContain("leaving the room's fixtures and built-ins exactly as they are");
    expect(cleared).not.toContain("Every object already in the room stays where it is");
  });

  it("asks for conditional items only where the room has what they need", () => {
    expect(buildStagingPrompt("modern", "kitchen")).toContain(
      "bar stools at the island or peninsula if there is one",
    );
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
