/**
 * The command line of `vstage`, the partner CLI: parsing and checking only (pure, unit tested).
 * Whatever is wrong with the command line becomes a UsageError with a message for the partner.
 */
import { parseArgs } from "node:util";
import { localApiBase } from "../emulatorPorts.js";

export const USAGE = `vstage: submit photos for virtual staging and collect the results

Usage:
  vstage submit <photos.csv> --style <id> --room <id> [--client NAME] [--callback URL]
                [--priority normal|high] [--wait] [--download DIR]
  vstage status <batchId> [--json]
  vstage list [--status STATUS] [--limit N]
  vstage retry <batchId>
  vstage cancel <batchId>
  vstage download <batchId> <DIR>

photos.csv has a header with a "url" column and optionally "propertyCode" (or no header and
one URL per line). Styles and room types: GET /api/batch/options, or run submit with a wrong one.

Options:
  --key KEY   your API key (default: $VSTAGE_API_KEY)
  --url URL   the API base URL (default: $VSTAGE_API_URL or the local Emulator Suite's /api)
  --help      this text

Exit codes: 0 done; 1 the API refused or failed; 2 bad command line or input file;
3 (submit --wait) the batch finished with failed or cancelled images.`;

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface Common {
  apiKey: string;
  baseUrl: string;
}
export type Command = Common &
  (
    | {
        name: "submit";
        file: string;
        style: string;
        room: string;
        clientName: string;
        callbackUrl?: string;
        priority: "normal" | "high";
        wait: boolean;
        downloadDir?: string;
      }
    | { name: "status"; batchId: string; json: boolean }
    | { name: "list"; status?: string; limit: number }
    | { name: "retry" | "cancel"; batchId: string }
    | { name: "download"; batchId: string; dir: string }
  );

const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;
const LIST_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"];

function batchIdArg(value: string | undefined, command: string): string {
  if (!value) throw new UsageError(`${command} needs a batch id: vstage ${command} <batchId>`);
  if (!BATCH_ID.test(value)) throw new UsageError(`"${value}" is not a batch id`);
  return value;
}

/** Parses argv (without node and the script); `help` when --help or no command was given. */
export function parseCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Command | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        key: { type: "string" },
        url: { type: "string" },
        style: { type: "string" },
        room: { type: "string" },
        client: { type: "string" },
        callback: { type: "string" },
        priority: { type: "string" },
        wait: { type: "boolean" },
        download: { type: "string" },
        status: { type: "string" },
        limit: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (v.help || !name || name === "help") return "help";

  const apiKey = v.key ?? env.VSTAGE_API_KEY ?? "";
  if (!apiKey) throw new UsageError("no API key: set VSTAGE_API_KEY or pass --key");
  const baseUrl = (v.url ?? env.VSTAGE_API_URL ?? localApiBase()).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(baseUrl)) throw new UsageError(`"${baseUrl}" is not an http(s) URL`);
  const common = { apiKey, baseUrl };

  switch (name) {
    case "submit": {
      const file = rest[0];
      if (!file) throw new UsageError("submit needs a CSV file: vstage submit photos.csv ...");
      if (!v.style) throw new UsageError("submit needs --style (a design style id, e.g. modern)");
      if (!v.room) throw new UsageError("submit needs --room (a room type id, e.g. living_room)");
      const priority = v.priority ?? "normal";
      if (priority !== "normal" && priority !== "high")
        throw new UsageError(`--priority must be normal or high, not "${priority}"`);
      if (v.download !== undefined && !v.wait)
        throw new UsageError("--download needs --wait (the outputs exist once the batch finished)");
      return {
        ...common,
        name,
        file,
        style: v.style,
        room: v.room,
        clientName: v.client ?? "vstage CLI",
        ...(v.callback ? { callbackUrl: v.callback } : {}),
        priority,
        wait: v.wait ?? false,
        ...(v.download ? { downloadDir: v.download } : {}),
      };
    }
    case "status":
      return { ...common, name, batchId: batchIdArg(rest[0], name), json: v.json ?? false };
    case "list": {
      const limit = v.limit === undefined ? 20 : Number(v.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError("--limit must be a whole number from 1 to 1000");
      if (v.status !== undefined && !LIST_STATUSES.includes(v.status))
        throw new UsageError(`--status must be one of ${LIST_STATUSES.join(", ")}`);
      return { ...common, name, limit, ...(v.status ? { status: v.status } : {}) };
    }
    case "retry":
    case "cancel":
      return { ...common, name, batchId: batchIdArg(rest[0], name) };
    case "download": {
      const batchId = batchIdArg(rest[0], name);
      if (!rest[1])
        throw new UsageError("download needs a folder: vstage download <batchId> <DIR>");
      return { ...common, name, batchId, dir: rest[1] };
    }
    default:
      throw new UsageError(`unknown command "${name}" (run vstage --help)`);
  }
}
