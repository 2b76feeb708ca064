export const ENGINE_NAMES = ["gemini", "preview"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export function isEngineName(v: string): v is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(v);
}
