/**
 * An opt-in log of document writes for the benchmark: with STAGING_WRITE_LOG set (the bench
 * sets it in the emulator only), every committed write made by the store layer appends
 * "<ms> <document path>" to that file, so the benchmark measures the write rate per document
 * from real commits rather than estimating it. Off (a no-op) everywhere else.
 */
import { appendFileSync } from "node:fs";

const file = process.env.STAGING_WRITE_LOG;

export function noteWrite(...paths: string[]): void {
  if (!file || paths.length === 0) return;
  const t = Date.now();
  appendFileSync(file, paths.map((p) => `${t} ${p}\n`).join(""));
}
