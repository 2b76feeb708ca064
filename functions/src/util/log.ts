/**
 * One structured log line per state change (never per poll), with the fields the log-based
 * metrics in monitoring/ extract. Never pass keys, secrets or image bytes here.
 */
import { logger } from "firebase-functions";

export interface LogFields {
  batchId?: string;
  partnerId?: string;
  imageIndex?: number;
  attempt?: number;
  durationMs?: number;
  engineMs?: number;
  errorCode?: string;
  costUsd?: number;
  [key: string]: string | number | boolean | null | undefined;
}

export function logEvent(
  event: string,
  fields: LogFields,
  level: "info" | "warn" | "error" = "info",
): void {
  logger[level](event, { event, ...fields });
}
