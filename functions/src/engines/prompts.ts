/**
 * The prompt sent to the image model, kept as data so copy changes are reviewed like copy.
 * Bump PROMPT_VERSION whenever the wording changes: it is recorded on every staged image, so
 * results can be traced back to the exact instructions that produced them.
 *
 * Form: a narrative, positive description of the result, as the Gemini image-generation guide
 * recommends ("describe the scene, don't just list keywords"; for edits, say what to add and
 * what must stay unchanged). Content: listing-compliant staging (see domain/catalog.ts): only
 * movable furniture and decor, lamps only on the floor or tables, nothing mounted but framed
 * art, and every part of the house, the view and the photo's light exactly as photographed.
 */
import { findRoomType, findStyle } from "../domain/catalog.js";
import { StagingError } from "../domain/stagingError.js";

export const PROMPT_VERSION = "staging-v2";

/** Thrown codes (permanent): the request named an id the catalog does not know. */
export const PROMPT_ERROR_CODES = {
  invalid_design_style: "The designStyle is not one of the published design styles.",
  invalid_room_type: "The roomType is not one of the published room types.",
} as const;

export interface PromptOptions {
  /** Remove loose clutter first (the batch's `declutter: true`); default keeps every object. */
  declutter?: boolean;
}

const PLACEMENT =
  "Every new piece is movable furniture or decor that stands on the floor or on an existing surface, at a true-to-life scale, with walkways clear and doors and windows unobstructed. Any new light comes from floor lamps and table lamps; nothing is mounted on the walls or the ceiling except framed art.";

const PRESERVE =
  "Everything that belongs to the house stays exactly as photographed: the walls, windows, doors, floor, ceiling, stairs, built-in cabinetry and counters, fixtures and light fittings, and the view through the windows. The camera position, perspective, lens and framing stay the same, and so does the photo's lighting, with the new pieces lit consistently by it and casting natural contact shadows.";

const KEEP_OBJECTS =
  "Every object already in the room stays where it is; the staging is added around it.";

const DECLUTTER =
  "First clear away loose clutter and personal items (boxes, bags, papers, clothes, toiletries, cables), leaving the room's fixtures and built-ins exactly as they are.";

const RESULT =
  "The result looks like an unedited professional listing photograph of this same room: photorealistic, with no people or animals and no text, labels, logos or watermarks. Return only the edited image.";

/**
 * Builds the staging instruction for one (style, room type) pair. Throws a permanent
 * StagingError for an id the catalog does not know (the API validates ids first, so this
 * only fires on a programming error or a stale queued task).
 */
export function buildStagingPrompt(
  designStyle: string,
  roomType: string,
  options: PromptOptions = {},
): string {
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
    `Using the provided photo of ${roomName}, virtually stage it for a real-estate listing. Furnish it in the ${style.label} style (${style.description}) with ${room.description}.`,
    options.declutter ? DECLUTTER : KEEP_OBJECTS,
    PLACEMENT,
    PRESERVE,
    RESULT,
  ].join("\n\n");
}

/** "a bedroom", "an outdoor patio" (catalog labels are plain English nouns). */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;
}
