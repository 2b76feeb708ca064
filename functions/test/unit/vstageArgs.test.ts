/** The vstage command line (parsing, defaults, refusals) and its progress display. */
import { describe, expect, it } from "@jest/globals";
import { localApiBase } from "../../tools/emulatorPorts.js";
import { parseCommand, UsageError } from "../../tools/vstage/args.js";
import { formatEta, progressBar, progressLine } from "../../tools/vstage/progress.js";

const ENV = { VSTAGE_API_KEY: "vsk_env" };

function refused(argv: string[], env: Record<string, string> = ENV): string {
  try {
    parseCommand(argv, env);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a usage error");
}

describe("parseCommand", () => {
  it("parses submit with every option, the key from the environment and the default URL", () => {
    expect(
      parseCommand(
        [
          "submit",
          "photos.csv",
          "--style",
          "modern",
          "--room",
          "living_room",
          "--callback",
          "https://crm.example.com/hook",
          "--priority",
          "high",
          "--wait",
          "--download",
          "out",
        ],
        ENV,
      ),
    ).toEqual({
      name: "submit",
      apiKey: "vsk_env",
      baseUrl: localApiBase(),
      file: "photos.csv",
      style: "modern",
      room: "living_room",
      clientName: "vstage CLI",
      callbackUrl: "https://crm.example.com/hook",
      priority: "high",
      wait: true,
      downloadDir: "out",
    });
  });

  it("--key and --url win over VSTAGE_API_KEY and VSTAGE_API_URL; a trailing slash is dropped", () => {
    const cmd = parseCommand(["list", "--key", "vsk_flag", "--url", "https://x.example/api/"], {
      ...ENV,
      VSTAGE_API_URL: "https://env.example/api",
    });
    expect(cmd).toMatchObject({ apiKey: "vsk_flag", baseUrl: "https://x.example/api", limit: 20 });
    expect(
      parseCommand(["list"], { ...ENV, VSTAGE_API_URL: "https://env.example/api" }),
    ).toMatchObject({
      baseUrl: "https://env.example/api",
    });
  });

  it("parses status, list, retry, cancel and download", () => {
    expect(parseCommand(["status", "b_1", "--json"], ENV)).toMatchObject({
      name: "status",
      batchId: "b_1",
      json: true,
    });
    expect(parseCommand(["list", "--status", "failed", "--limit", "5"], ENV)).toMatchObject({
      status: "failed",
      limit: 5,
    });
    expect(parseCommand(["retry", "b_1"], ENV)).toMatchObject({ name: "retry", batchId: "b_1" });
    expect(parseCommand(["cancel", "b_1"], ENV)).toMatchObject({ name: "cancel", batchId: "b_1" });
    expect(parseCommand(["download", "b_1", "out"], ENV)).toMatchObject({
      name: "download",
      dir: "out",
    });
    expect(parseCommand([], ENV)).toBe("help");
    expect(parseCommand(["submit", "--help"], {})).toBe("help");
  });

  it("refuses what is missing or wrong, saying what to do", () => {
    expect(refused(["list"], {})).toBe("no API key: set VSTAGE_API_KEY or pass --key");
    expect(refused(["submit", "p.csv", "--room", "bedroom"])).toBe(
      "submit needs --style (a design style id, e.g. modern)",
    );
    expect(refused(["submit", "--style", "modern", "--room", "bedroom"])).toMatch(
      /needs a CSV file/,
    );
    expect(
      refused([
        "submit",
        "p.csv",
        "--style",
        "modern",
        "--room",
        "bedroom",
        "--priority",
        "urgent",
      ]),
    ).toBe('--priority must be normal or high, not "urgent"');
    expect(
      refused(["submit", "p.csv", "--style", "m", "--room", "r", "--download", "out"]),
    ).toMatch(/needs --wait/);
    expect(refused(["status"])).toBe("status needs a batch id: vstage status <batchId>");
    expect(refused(["status", "../x"])).toBe('"../x" is not a batch id');
    expect(refused(["list", "--limit", "0"])).toMatch(/--limit/);
    expect(refused(["list", "--status", "done"])).toMatch(/--status must be one of/);
    expect(refused(["frobnicate"])).toBe('unknown command "frobnicate" (run vstage --help)');
    expect(refused(["list", "--nope"])).toMatch(/--nope/);
    expect(refused(["list", "--url", "ftp://x"])).toBe('"ftp://x" is not an http(s) URL');
  });
});

describe("progress display", () => {
  const counts = {
    total: 40,
    completed: 10,
    failed: 2,
    cancelled: 0,
    processing: 4,
    status: "processing",
    estimatedRemainingMinutes: 1.3,
  };

  it("draws done / total with ok and failed counts and the ETA", () => {
    expect(progressBar(counts, 10)).toBe(
      "[###.......] 12/40 done (10 ok, 2 failed) processing ETA 1m18s",
    );
    expect(progressLine(counts)).toBe(
      "processing: 12/40 done, 10 completed, 2 failed, 0 cancelled, ETA 1m18s",
    );
  });

  it("formats the ETA in seconds under a minute, and -- when unknown", () => {
    expect(formatEta(null)).toBe("ETA --");
    expect(formatEta(0.5)).toBe("ETA 30s");
    expect(formatEta(2)).toBe("ETA 2m00s");
  });
});
