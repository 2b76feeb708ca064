/**
 * The dashboard's API access: the typed client generated from the public contract (the same
 * openapi-fetch client as the CLI), on the same origin (`/api`, Hosting's rewrite), with the
 * signed-in key. Errors become ApiFailure with the API's stable code and message.
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../../tools/client/openapi.js";

export type Schemas = components["schemas"];
export type BatchSummary = Schemas["BatchSummary"];
export type BatchStatus = Schemas["BatchStatusResponse"];
export type ImageView = Schemas["Image"];
export type Options = Schemas["Options"];

export const API_BASE = "/api";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Array<{ field: string; code: string; message: string }> = [],
  ) {
    super(message);
  }
}

export function clientFor(apiKey: string): Client<paths> {
  return createClient<paths>({
    baseUrl: new URL(API_BASE, location.origin).href,
    headers: { authorization: `Bearer ${apiKey}` },
  });
}

/** Unwraps an openapi-fetch result: the data, or an ApiFailure with the API's error envelope. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) return result.data;
  const e = (result.error ?? {}) as {
    code?: string;
    error?: string;
    details?: { fields?: Array<{ field: string; code: string; message: string }> };
  };
  throw new ApiFailure(
    result.response.status,
    e.code ?? `http_${result.response.status}`,
    e.error ?? `The API answered HTTP ${result.response.status}`,
    e.details?.fields ?? [],
  );
}

/**
 * The staged photo of one image as a blob URL. The API route needs the key in a header (an
 * <img> cannot send one), so it is fetched; an outputUrl that is not the API route (a signed
 * storage link) is fetched as it is, without the key.
 */
export async function fetchOutput(
  apiKey: string,
  batchId: string,
  image: Pick<ImageView, "index" | "outputUrl">,
): Promise<{ blob: Blob; contentType: string | null }> {
  const route = `${API_BASE}/batch/${encodeURIComponent(batchId)}/images/${image.index}/output`;
  const viaApi =
    !image.outputUrl ||
    new URL(image.outputUrl, location.href).pathname.endsWith(`/images/${image.index}/output`);
  const res = viaApi
    ? await fetch(route, { headers: { authorization: `Bearer ${apiKey}` } })
    : await fetch(image.outputUrl!);
  if (!res.ok)
    throw new ApiFailure(
      res.status,
      `http_${res.status}`,
      `Output not available (HTTP ${res.status})`,
    );
  return { blob: await res.blob(), contentType: res.headers.get("content-type") };
}
