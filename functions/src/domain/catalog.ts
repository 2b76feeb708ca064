/**
 * The published design styles and room types. Partners send the `id`; the description is shown
 * by `GET /api/batch/options` and used in the engine prompt. This file is data: review changes
 * to it like copy, since it changes what the model is asked to do (see engines/prompts.ts).
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
    description: "current-season furniture, soft curves, warm greys and creams, statement lighting",
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
    description: "very few essential pieces, monochrome palette, open floor space, hidden storage",
    accent: "#bdbdbd",
  },
  {
    id: "industrial",
    label: "Industrial",
    description:
      "leather and reclaimed wood, black metal frames, Edison bulb lighting, raw textures",
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
    description: "distressed white wood, linen, woven baskets, black hardware, rustic warmth",
    accent: "#a38b6d",
  },
  {
    id: "coastal",
    label: "Coastal",
    description:
      "light blues and sandy neutrals, white slipcovered seating, rattan, airy natural light feel",
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
      "high-end velvet and marble, brass details, elegant chandeliers, refined statement pieces",
    accent: "#b08d3c",
  },
] as const satisfies readonly CatalogEntry[];

export const ROOM_TYPES = [
  {
    id: "living_room",
    label: "Living room",
    description: "sofa, armchairs, coffee table, rug, side tables, lamps and wall art",
  },
  {
    id: "bedroom",
    label: "Bedroom",
    description: "bed with bedding and pillows, nightstands with lamps, dresser, rug, curtains",
  },
  {
    id: "kitchen",
    label: "Kitchen",
    description:
      "bar stools at the counter, small countertop decor, bowls of fruit, plants; no new cabinetry",
  },
  {
    id: "dining_room",
    label: "Dining room",
    description:
      "dining table with chairs, a table centrepiece, a sideboard, a pendant light if fitting",
  },
  {
    id: "bathroom",
    label: "Bathroom",
    description: "towels, bath mat, plants, small vanity accessories; no new fixtures",
  },
  {
    id: "home_office",
    label: "Home office",
    description: "desk, ergonomic chair, shelving with books, desk lamp, a plant",
  },
  {
    id: "kids_room",
    label: "Kids' room",
    description: "child-size bed, play rug, toy storage, bright friendly decor",
  },
  {
    id: "nursery",
    label: "Nursery",
    description: "crib, glider chair, changing table, soft rug, gentle decor",
  },
  {
    id: "guest_room",
    label: "Guest room",
    description: "bed with fresh linen, luggage bench, nightstand, simple welcoming decor",
  },
  {
    id: "outdoor_patio",
    label: "Outdoor patio",
    description: "outdoor sofa or lounge chairs, outdoor table, planters, outdoor rug",
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
