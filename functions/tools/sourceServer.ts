/**
 * A local source-photo server for the demo, tests and benchmarks (a partner's image host).
 * GET /rooms/{i}.jpg serves sample room i. Failure modes for tests, chosen per URL:
 *   ?mode=404 | 410 | 500 | 503 | html     answer that way every time
 *   ?mode=503once&key=K                    503 on the first request for K, then the photo
 *   ?mode=slow&ms=N                         wait N ms before answering
 * POST /control/fix makes every later request answer with the photo (a partner fixing its
 * broken links); POST /control/reset undoes it. GET /stats counts requests per path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { renderRoom } from "./sampleRooms.js";

export interface SourceServer {
  url: string;
  port: number;
  requests: Map<string, number>;
  fixAll(fixed: boolean): void;
  close(): Promise<void>;
}

export async function startSourceServer(
  options: { port?: number; host?: string; sizes?: { width: number; height: number } } = {},
): Promise<SourceServer> {
  const cache = new Map<number, Buffer>();
  const seen = new Set<string>();
  const requests = new Map<string, number>();
  let fixed = false;

  async function photo(i: number): Promise<Buffer> {
    let b = cache.get(i);
    if (!b) {
      b = (await renderRoom(i, options.sizes)).jpeg;
      cache.set(i, b);
    }
    return b;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://localhost");
    requests.set(u.pathname + u.search, (requests.get(u.pathname + u.search) ?? 0) + 1);
    if (req.method === "POST" && u.pathname === "/control/fix") {
      fixed = true;
      res.writeHead(204).end();
      return;
    }
    if (req.method === "POST" && u.pathname === "/control/reset") {
      fixed = false;
      seen.clear();
      res.writeHead(204).end();
      return;
    }
    if (u.pathname === "/stats") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(Object.fromEntries(requests)));
      return;
    }
    const m = /^\/rooms\/(\d{1,6})\.jpg$/.exec(u.pathname);
    if (!m) {
      res.writeHead(404).end("not found");
      return;
    }
    const mode = fixed ? null : u.searchParams.get("mode");
    if (mode === "404" || mode === "410" || mode === "500" || mode === "503") {
      res.writeHead(Number(mode), { "content-type": "text/plain" }).end(`status ${mode}`);
      return;
    }
    if (mode === "html") {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end("<html><body>not an image</body></html>");
      return;
    }
    if (mode === "503once") {
      const key = u.searchParams.get("key") ?? u.pathname;
      if (!seen.has(key)) {
        seen.add(key);
        res.writeHead(503, { "content-type": "text/plain" }).end("try again");
        return;
      }
    }
    if (mode === "slow")
      await new Promise((r) => setTimeout(r, Number(u.searchParams.get("ms") ?? 1000)));
    const body = await photo(Number(m[1]));
    res.writeHead(200, { "content-type": "image/jpeg", "content-length": body.length }).end(body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    fixAll: (f) => {
      fixed = f;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
