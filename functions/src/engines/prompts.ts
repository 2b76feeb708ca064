/**
 * The prompt sent to the image model, kept as data so copy changes are reviewed like copy.
 * Bump PROMPT_VERSION whenever the wording changes: it is recorded on every staged image, so
 * results can be traced back to the exact instructions that produced them.
 */
import { findRoomType, findStyle } from "../domain/catalog.js";
import { StagingError } from "../domain/stagingError.js";

export const PROMPT_VERSION = "staging-v1";

/** Thrown codes (permanent): the request named an id the catalog does not know. */
export const PROMPT_ERROR_CODES = {
  invalid_design_style: "The designStyle is not one of the published design styles.",
  invalid_room_type: "The roomType is not one of the published room types.",
} as const;

// Architecture rules come first and are repeated at the end: image models weigh both ends of
// a prompt most, and "keep the room as it is" is the rule partners care about.
const PRESERVE_ARCHITECTURE = [
  "Keep the room exactly as it is: do not move, remove, resize or repaint any walls, windows, doors, floor, ceiling, stairs, built-in fixtures, cabinetry or other architectural details, where present.",
  "Keep the same perspective, camera angle, framing, lens and aspect ratio as the input photo.",
  "Keep the existing lighting (direction, brightness and colour temperature); light the new furniture consistently with it, with realistic contact shadows.",
  "Do not change the view through the windows.",
];

const OUTPUT_RULES = [
  "Only add furniture and decor. Place every item at a realistic scale, resting naturally on the floor or walls, keeping walkways clear and not blocking doors or windows.",
  "The result must be a photorealistic real-estate photograph, as if the furniture were really in the room.",
  "No people or animals. No text, labels, logos, watermarks, signatures or borders.",
];

/**
 * Builds the staging instruction for one (style, room type) pair. Throws a permanent
 * StagingError for an id the catalog does not know (the API validates ids first, so this
 * only fires on a programming error or a stale queued task).
 */
export function buildStagingPrompt(designStyle: string, roomType: string): string {
  const style = findStyle(designStyle);
  if (!style) {
    throw new StagingError("invalid_design_style", `Unknown design style "${designStyle}".`, {
      retryable: false,
    });
  }
  const room = findRoomType(roomType);
  if (!room) {
    throw new StagingError("invalid_room_type", `Unknown room type "${roomType}".`, {
      retryable: false,
    });
  }
  const roomName = withArticle(room.label.toLowerCase());
  return [
    `Virtually stage this photo of ${roomName}. Edit the photo; do not create a new scene.`,
    "",
    ...PRESERVE_ARCHITECTURE,
    "",
    `Furnish it in the ${style.label} style: ${style.description}.`,
    `For ${roomName}, add: ${room.description}.`,
    "",
    ...OUTPUT_RULES,
    "",
    "Remember: the walls, windows, doors, floor, ceiling, perspective, camera angle and lighting must stay unchanged. Return only the edited image.",
  ].join("\n");
}

/** "a bedroom", "an outdoor patio" (catalog labels are plain English nouns). */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}
