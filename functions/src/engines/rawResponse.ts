/**
 * A fetch for @google/genai that also keeps what the SDK's response conversion drops. The SDK
 * (3.3.0, candidateFromMldev) copies candidates field by field and leaves out `finishMessage`,
 * the model's own sentence about why it refused; partners and operators need that sentence.
 * Passing our own fetch also means the SDK does not look for undici's global dispatcher (which
 * it only does without one), so the engine runs the same under jest's VM sandbox as in Node.
 */

export interface RawResponseCapture {
  /** candidates[i].finishMessage of the last 200 response, by candidate index. */
  finishMessages?: Array<string | undefined>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads finishMessage of each candidate from a generateContent body (JSON text). */
export function finishMessagesOf(body: string): Array<string | undefined> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.candidates)) return undefined;
  return parsed.candidates.map((c) =>
    isRecord(c) && typeof c.finishMessage === "string" ? c.finishMessage : undefined,
  );
}

/** A fetch that records the raw body's finishMessages into `capture`, then hands the body on. */
export function captureRawResponse(capture: RawResponseCapture): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok) return response;
    const text = await response.text();
    capture.finishMessages = finishMessagesOf(text);
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** A fetch that keeps the last 200 body's text in `capture.text` (batch jobs' raw answers). */
export function captureRawText(capture: { text?: string }): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok) return response;
    const text = await response.text();
    capture.text = text;
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
