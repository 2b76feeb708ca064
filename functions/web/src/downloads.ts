/**
 * Downloads from the dashboard: one staged photo, or every completed photo of a batch as a zip
 * (built in the browser with fflate, with a results.csv like the CLI's download).
 */
import { zipSync } from "fflate";
import { extensionOf, outputBaseNames, resultsCsv } from "../../tools/client/outputNames.js";
import type { Client } from "openapi-fetch";
import type { paths } from "../../tools/client/openapi.js";
import { fetchOutput, type ImageView, unwrap } from "./api.js";

function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function downloadOne(
  apiKey: string,
  batchId: string,
  image: ImageView,
): Promise<void> {
  const { blob, contentType } = await fetchOutput(apiKey, batchId, image);
  const [base] = outputBaseNames([image]);
  save(blob, `${base}.${extensionOf(contentType)}`);
}

async function allImages(api: Client<paths>, batchId: string): Promise<ImageView[]> {
  const images: ImageView[] = [];
  let pageToken: string | undefined;
  do {
    const page = unwrap(
      await api.GET("/batch/{batchId}/status", {
        params: { path: { batchId }, query: { pageSize: 1000, pageToken } },
      }),
    );
    images.push(...page.images);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return images;
}

/** Zips every completed output (4 fetches at a time); onProgress(done, total) as they arrive. */
export async function downloadAll(
  api: Client<paths>,
  apiKey: string,
  batchId: string,
  onProgress: (done: number, total: number) => void,
): Promise<number> {
  const images = await allImages(api, batchId);
  const names = outputBaseNames(images);
  const completed = images
    .map((img, i) => ({ img, name: names[i]! }))
    .filter((x) => x.img.status === "completed");
  const files: Record<string, Uint8Array> = {};
  const written = new Map<number, string>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < completed.length) {
      const { img, name } = completed[next++]!;
      const { blob, contentType } = await fetchOutput(apiKey, batchId, img);
      const file = `${name}.${extensionOf(contentType)}`;
      files[file] = new Uint8Array(await blob.arrayBuffer());
      written.set(img.index, file);
      onProgress(++done, completed.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const csv = resultsCsv(images.map((img) => ({ ...img, file: written.get(img.index) ?? "" })));
  files["results.csv"] = new TextEncoder().encode(csv);
  // JPEG and WebP are already compressed: store them (level 0) instead of deflating again.
  const zip = zipSync(files, { level: 0 });
  save(new Blob([zip], { type: "application/zip" }), `${batchId}.zip`);
  return completed.length;
}
