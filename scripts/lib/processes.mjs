// @ts-check
// Finding and stopping the processes a script started, from /proc (Linux): the children of a
// process, who listens on a port. The Firebase CLI starts the Firestore emulator's Java process
// in a session of its own, so killing the CLI's process group alone leaves it listening.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** @param {string} path */
const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

/** Parent pid of `pid` (0 when gone); the command name in /proc/<pid>/stat may hold spaces. */
function parentOf(/** @type {number} */ pid) {
  const stat = read(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? 0);
}

const allPids = () =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

/** Every live descendant of `root` (children, their children, ...). */
export function descendantsOf(/** @type {number} */ root) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const pid of allPids()) {
    const ppid = parentOf(pid);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(/** @type {number} */ (stack.pop())) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

export const isAlive = (/** @type {number} */ pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but someone else's.
    return /** @type {NodeJS.ErrnoException} */ (e).code === "EPERM";
  }
};

export const commandLine = (/** @type {number} */ pid) =>
  read(`/proc/${pid}/cmdline`).split("\0").join(" ").trim();

/** Socket inodes in LISTEN state on `port` (IPv4 and IPv6). */
function listeningInodes(/** @type {number} */ port) {
  const inodes = new Set();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of read(table).split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue; // 0A = LISTEN
      if (parseInt(f[1].split(":")[1], 16) === port) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** The processes (readable by this user) listening on `port`: [{ pid, command }]. */
export function listenersOn(/** @type {number} */ port) {
  const inodes = listeningInodes(port);
  if (!inodes.size) return [];
  const out = [];
  for (const pid of allPids()) {
    let fds;
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    const holds = fds.some((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m !== null && inodes.has(m[1]);
      } catch {
        return false;
      }
    });
    if (holds) out.push({ pid, command: commandLine(pid) });
  }
  return out;
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM each pid, then SIGKILL whatever is still alive after `graceMs`. */
export async function terminate(/** @type {number[]} */ pids, graceMs = 5000) {
  const signal = (/** @type {number} */ pid, /** @type {NodeJS.Signals} */ sig) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  const until = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < until) await sleep(100);
  for (const pid of pids.filter(isAlive)) signal(pid, "SIGKILL");
}
