/**
 * The published design styles and room types. Partners send the `id`; the description is shown
 * by `GET /api/batch/options` and used in the engine prompt. This file is data: review changes
 * to it like copy, since it changes what the model is asked to do (see engines/prompts.ts).
 *
 * Listing rules (MLS boards; California AB 723, 2024) treat adding or altering permanent
 * features as misrepresentation. So every item here is movable furniture or decor; lighting is
 * floor and table lamps only (no pendants, chandeliers or fixtures); nothing is mounted on
 * walls or ceilings except framed art; no curtains or blinds (they cover windows); and items
 * that need a feature the room may not have are conditional ("stools at the island if there is
 * one"). test/unit/engines/prompts.test.ts refuses the words that would break this.
 */
export interface CatalogEntry {
  id: string;
  label: string;
  description: string;
  /** A colour that represents the style (used by the preview engine's label). */
  accent?: string;
}

export const DESIGN_STYLES = [
  {
    id: "modern",
    label: "Modern",
    description:
      "clean lines, neutral palette with black accents, low-profile furniture, uncluttered surfaces",
    accent: "#3a3f44",
  },
  {
    id: "contemporary",
    label: "Contemporary",
    description:
      "current-season furniture, soft curves, warm greys and creams, sculptural floor and table lamps",
    accent: "#8a7f72",
  },
  {
    id: "scandinavian",
    label: "Scandinavian",
    description:
      "light oak wood, white and soft grey textiles, cosy wool throws, simple functional pieces, plants",
    accent: "#c9b79c",
  },
  {
    id: "minimalist",
    label: "Minimalist",
    description:
      "very few essential pieces, monochrome palette, open floor space, closed freestanding storage",
    accent: "#bdbdbd",
  },
  {
    id: "industrial",
    label: "Industrial",
    description:
      "leather and reclaimed wood, black metal frames, raw textures, black metal floor and table lamps",
    accent: "#5b4636",
  },
  {
    id: "mid_century_modern",
    label: "Mid-century modern",
    description:
      "tapered wooden legs, walnut tones, mustard and teal accents, iconic 1950s-60s shapes",
    accent: "#c47f2c",
  },
  {
    id: "traditional",
    label: "Traditional",
    description:
      "classic upholstered furniture, rich wood, symmetrical arrangements, patterned rugs, table lamps",
    accent: "#7a2e2e",
  },
  {
    id: "farmhouse",
    label: "Modern farmhouse",
    description: "distressed white wood, linen, woven baskets, black metal accents, rustic warmth",
    accent: "#a38b6d",
  },
  {
    id: "coastal",
    label: "Coastal",
    description:
      "light blues and sandy neutrals, white slipcovered seating, rattan, a relaxed and airy feel",
    accent: "#4f8fbf",
  },
  {
    id: "bohemian",
    label: "Bohemian",
    description: "layered patterned textiles, rattan and macrame, many plants, warm earthy colours",
    accent: "#b5562f",
  },
  {
    id: "japandi",
    label: "Japandi",
    description:
      "Japanese-Scandinavian blend, low natural-wood furniture, muted earth tones, calm and minimal",
    accent: "#8c7b65",
  },
  {
    id: "luxury",
    label: "Luxury",
    description:
      "velvet upholstery, marble-topped tables, brass details, elegant table lamps, refined statement furniture",
    accent: "#b08d3c",
  },
] as const satisfies readonly CatalogEntry[];

export const ROOM_TYPES = [
  {
    id: "living_room",
    label: "Living room",
    description:
      "a sofa, armchairs, a coffee table, a rug, side tables with table lamps, a floor lamp and framed art on the walls",
  },
  {
    id: "bedroom",
    label: "Bedroom",
    description:
      "a bed with bedding and pillows, nightstands with table lamps, a dresser, a rug and framed art",
  },
  {
    id: "kitchen",
    label: "Kitchen",
    description:
      "bar stools at the island or peninsula if there is one, a small table with chairs if there is open floor space, and a few accessories on the existing counters (a bowl of fruit, a plant, cookbooks)",
  },
  {
    id: "dining_room",
    label: "Dining room",
    description:
      "a dining table with chairs, a centrepiece on the table, a rug, and a sideboard if a wall is free",
  },
  {
    id: "bathroom",
    label: "Bathroom",
    description:
      "folded towels, a bath mat, a plant and small accessories on the existing vanity, if there is one",
  },
  {
    id: "home_office",
    label: "Home office",
    description:
      "a desk, an ergonomic chair, a freestanding bookcase with books, a desk lamp and a plant",
  },
  {
    id: "kids_room",
    label: "Kids' room",
    description:
      "a child-size bed, a play rug, freestanding toy storage and bright, friendly decor",
  },
  {
    id: "nursery",
    label: "Nursery",
    description: "a crib, a glider chair, a changing table, a soft rug and gentle decor",
  },
  {
    id: "guest_room",
    label: "Guest room",
    description:
      "a bed with fresh linen, a luggage bench, a nightstand with a table lamp and simple, welcoming decor",
  },
  {
    id: "outdoor_patio",
    label: "Outdoor patio",
    description:
      "an outdoor sofa or lounge chairs, an outdoor table, potted plants and an outdoor rug",
  },
] as const satisfies readonly CatalogEntry[];

export type DesignStyleId = (typeof DESIGN_STYLES)[number]["id"];
export type RoomTypeId = (typeof ROOM_TYPES)[number]["id"];

export const DESIGN_STYLE_IDS = DESIGN_STYLES.map((s) => s.id) as [
  DesignStyleId,
  ...DesignStyleId[],
];
export const ROOM_TYPE_IDS = ROOM_TYPES.map((r) => r.id) as [RoomTypeId, ...RoomTypeId[]];

export function findStyle(id: string): CatalogEntry | undefined {
  return DESIGN_STYLES.find((s) => s.id === id);
}

export function findRoomType(id: string): CatalogEntry | undefined {
  return ROOM_TYPES.find((r) => r.id === id);
}
