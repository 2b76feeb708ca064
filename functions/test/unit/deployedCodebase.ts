/**
 * The functions codebase as `firebase deploy` sees it, through firebase-functions' public
 * surface: each export's `__endpoint` and `declaredParams`. Loaded with FUNCTIONS_CONTROL_API=true,
 * as the CLI's discovery does, so a param read with `.value()` at module load warns as it does there.
 */
import { jest } from "@jest/globals";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Endpoint = { [key: string]: Json };
export type ParamSpec = { name: string; type: string; default?: Json };
export interface Codebase {
  /** Exported name -> endpoint: a param written `params.X`, options left to the platform dropped. */
  endpoints: Record<string, Endpoint>;
  params: Record<string, ParamSpec>;
  loadWarnings: string[]; // what firebase-functions warned about while the code loaded
}

/** Options as JSON (params and unset options through their toJSON()), nulls dropped, keys sorted. */
const plain = (options: unknown): Endpoint =>
  JSON.parse(JSON.stringify(options, (_, v) => (v === null ? undefined : sorted(v))));
const sorted = (v: unknown) =>
  v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort())
    : v;

let loaded: Promise<Codebase> | undefined;
export function loadCodebase(): Promise<Codebase> {
  loaded ??= (async () => {
    const loadWarnings: string[] = [];
    process.env.FUNCTIONS_CONTROL_API = "true";
    const warn = jest
      .spyOn(console, "warn")
      .mockImplementation((...args) => void loadWarnings.push(args.join(" ")));
    try {
      const exported: Record<string, { __endpoint?: unknown }> = await import("../../src/index.js");
      const { declaredParams } = await import("firebase-functions/params");
      const names = Object.keys(exported).filter((name) => exported[name]?.__endpoint);
      const endpoints = Object.fromEntries(
        names.sort().map((n) => [n, plain(exported[n]!.__endpoint)]),
      );
      // toSpec() is what the CLI's discovery serializes; SecretParam's typings omit it.
      const specs = declaredParams.map((p) => (p as unknown as { toSpec(): ParamSpec }).toSpec());
      return { endpoints, params: Object.fromEntries(specs.map((s) => [s.name, s])), loadWarnings };
    } finally {
      warn.mockRestore();
      delete process.env.FUNCTIONS_CONTROL_API;
    }
  })();
  return loaded;
}

/** The param names a value refers to (`params.A` -> ["A"]). */
export const paramsIn = (v: Json | undefined): string[] =>
  typeof v === "string" ? [...v.matchAll(/params\.(\w+)/g)].map((m) => m[1]!) : [];

/** Reads `a.b.c` in an endpoint; a param is resolved to its code default. */
export function at(ep: Endpoint, path: string, params?: Codebase["params"]): Json | undefined {
  let v: Json | undefined = ep;
  for (const k of path.split(".")) v = v && typeof v === "object" ? (v as Endpoint)[k] : undefined;
  const [param] = paramsIn(v);
  return params && param ? params[param]?.default : v;
}
