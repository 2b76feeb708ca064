/** The `--wait` progress display of vstage: a bar on a terminal, plain lines otherwise. Pure. */

export interface ProgressCounts {
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  processing: number;
  status: string;
  estimatedRemainingMinutes: number | null;
}

export function formatEta(minutes: number | null): string {
  if (minutes === null) return "ETA --";
  const s = Math.round(minutes * 60);
  if (s < 60) return `ETA ${s}s`;
  return `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** `[#####.....] 12/40 done (10 ok, 2 failed) processing ETA 1m20s` */
export function progressBar(c: ProgressCounts, width = 30): string {
  const done = c.completed + c.failed + c.cancelled;
  const filled = c.total > 0 ? Math.round((done / c.total) * width) : width;
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  return `[${bar}] ${done}/${c.total} done (${c.completed} ok, ${c.failed} failed) ${c.status} ${formatEta(c.estimatedRemainingMinutes)}`;
}

/** The same facts as one log line, for pipes and CI logs. */
export function progressLine(c: ProgressCounts): string {
  const done = c.completed + c.failed + c.cancelled;
  return `${c.status}: ${done}/${c.total} done, ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled, ${formatEta(c.estimatedRemainingMinutes)}`;
}
