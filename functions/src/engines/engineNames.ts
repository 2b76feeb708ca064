/**
 * Engine names, and the engine spec a batch records: "preview", "gemini" (the deployment's
 * GEMINI_MODEL) or "gemini:<model id>" (a model chosen for the partner or the batch). The spec
 * travels with each image task, so a batch keeps its model even if GEMINI_MODEL changes.
 */
export const ENGINE_NAMES = ["gemini", "preview"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export function isEngineName(v: string): v is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(v);
}

export interface EngineSpec {
  engine: EngineName;
  /** Only for gemini: a registry model id; undefined = the deployment's GEMINI_MODEL. */
  model?: string;
}

/** Parses "gemini", "preview" or "gemini:<model>"; undefined when it is none of them. */
export function parseEngineSpec(spec: string): EngineSpec | undefined {
  const [engine, model, ...rest] = spec.split(":");
  if (!isEngineName(engine) || rest.length > 0) return undefined;
  if (model === undefined) return { engine };
  if (engine !== "gemini" || model === "") return undefined;
  return { engine, model };
}

export function formatEngineSpec(spec: EngineSpec): string {
  return spec.model ? `${spec.engine}:${spec.model}` : spec.engine;
}
