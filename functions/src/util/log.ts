/**
 * One structured log line per state change (never per poll), with the fields the log-based
 * metrics in monitoring/ extract. The events and their fields are declared in logEvents.ts; this
 * accepts no other. Never pass keys, secrets or image bytes here.
 */
import { logger } from "firebase-functions";
import type { LogEventFields, LogEventName } from "./logEvents.js";

export function logEvent<E extends LogEventName>(
  event: E,
  fields: LogEventFields[E],
  level: "info" | "warn" | "error" = "info",
): void {
  logger[level](event, { event, ...fields });
}
