/** The create body of every benchmark batch: `n` sample rooms, tagged so URLs stay distinct. */
import type { SourceServer } from "./sourceServer.js";

export function batchBody(sources: SourceServer, n: number, tag: string, priority = "normal") {
  return {
    images: Array.from({ length: n }, (_, i) => ({
      url: `${sources.url}/rooms/${i % 40}.jpg?b=${tag}&i=${i}`,
    })),
    designStyle: "modern",
    roomType: "living_room",
    clientName: `Bench ${tag}`,
    priority,
  };
}
