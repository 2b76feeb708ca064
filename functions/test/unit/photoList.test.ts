/** The photo-list CSV reader and the download file names shared by the CLI and the dashboard. */
import { describe, expect, it } from "@jest/globals";
import { extensionOf, outputBaseNames, resultsCsv } from "../../tools/client/outputNames.js";
import { parseCsvRecords, parsePhotoList, PhotoListError } from "../../tools/client/photosCsv.js";

const A = "https://photos.example.com/a.jpg";
const B = "https://photos.example.com/b.jpg";

function refusal(text: string): PhotoListError {
  try {
    parsePhotoList(text);
  } catch (e) {
    if (e instanceof PhotoListError) return e;
    throw e;
  }
  throw new Error("expected the list to be refused");
}

describe("parsePhotoList", () => {
  it("reads url and propertyCode columns by header name, in any order and case", () => {
    expect(parsePhotoList(`PropertyCode,notes,URL\nLST-1,x,${A}\n,y,${B}\n`)).toEqual([
      { url: A, propertyCode: "LST-1" },
      { url: B },
    ]);
  });

  it("accepts a list without header: url[,propertyCode] per line, blank lines skipped", () => {
    expect(parsePhotoList(`${A},LST-1\n\n${B}\r\n`)).toEqual([
      { url: A, propertyCode: "LST-1" },
      { url: B },
    ]);
  });

  it("handles quotes, doubled quotes, commas inside quotes and a BOM", () => {
    expect(parsePhotoList(`\uFEFFurl,propertyCode\n"${A}","Flat 3, ""north"""\n`)).toEqual([
      { url: A, propertyCode: 'Flat 3, "north"' },
    ]);
  });

  it("refuses a CSV without a url column, naming the header it found", () => {
    const e = refusal(`link,propertyCode\n${A},X\n`);
    expect(e.message).toBe(
      'line 1: the CSV has no "url" column (header: link, propertycode); expected a header like "url,propertyCode"',
    );
  });

  it("refuses a bad row with its line number", () => {
    expect(refusal(`url,propertyCode\n${A},A\n\nnot-a-url,B\n`).message).toBe(
      'line 4: "not-a-url" is not a URL',
    );
    expect(refusal(`url,propertyCode\n${A},A\n,B\n`).message).toBe("line 3: the url is empty");
  });

  it("refuses an empty file, a header without rows and an unclosed quote", () => {
    expect(refusal("").message).toBe("the photo list is empty");
    expect(refusal("url,propertyCode\n").message).toBe("the CSV has a header but no photos");
    expect(refusal(`url\n"${A}\n`).line).toBe(2);
  });

  it("keeps line numbers right after a quoted field spanning lines", () => {
    expect(parseCsvRecords('a,"x\ny"\nb,c\n').map((r) => r.line)).toEqual([1, 3]);
  });
});

describe("output file names", () => {
  it("uses the propertyCode made file-safe, the index when there is none, unique names", () => {
    expect(
      outputBaseNames([
        { index: 0, propertyCode: "LST-1" },
        { index: 1, propertyCode: "lst-1" },
        { index: 2, propertyCode: "Flat 3/north (a)" },
        { index: 3, propertyCode: null },
        { index: 4, propertyCode: "../../etc" },
      ]),
    ).toEqual(["LST-1", "lst-1-2", "Flat_3_north_a", "image-4", "etc"]);
  });

  it("picks the extension from the content type", () => {
    expect(extensionOf("image/webp")).toBe("webp");
    expect(extensionOf("image/jpeg")).toBe("jpg");
    expect(extensionOf(null)).toBe("jpg");
  });

  it("writes results.csv with quoting and formula-safe cells", () => {
    expect(
      resultsCsv([
        { index: 0, propertyCode: "A", url: A, status: "completed", file: "A.jpg" },
        {
          index: 1,
          propertyCode: "=SUM(1)",
          url: B,
          status: "failed",
          file: "",
          error: { code: "source_not_found", message: 'not found, "404"' },
        },
      ]),
    ).toBe(
      "index,propertyCode,url,status,file,errorCode,errorMessage\n" +
        `0,A,${A},completed,A.jpg,,\n` +
        `1,'=SUM(1),${B},failed,,source_not_found,"not found, ""404"""\n`,
    );
  });
});
