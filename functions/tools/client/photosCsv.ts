/**
 * Reads a partner's photo list: a CSV with a `url` column and an optional `propertyCode` column
 * (header names are case-insensitive; other columns are ignored), or plain lines of URLs. Shared
 * by the CLI (vstage submit) and the web dashboard's "new batch" form, so both refuse the same
 * input with the same messages. Pure: no Node or browser APIs.
 */

export interface PhotoRow {
  url: string;
  propertyCode?: string;
}

export class PhotoListError extends Error {
  constructor(
    message: string,
    /** 1-based line of the offending row, when there is one. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "PhotoListError";
  }
}

/** Splits CSV text into records of fields (RFC 4180: quotes, doubled quotes, CRLF), with lines. */
export function parseCsvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = "";
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (quoted) throw new PhotoListError("a quoted field is not closed", recordLine);
  if (field !== "" || fields.length) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records.filter((r) => r.fields.some((f) => f.trim() !== ""));
}

const looksLikeUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s.trim());

/**
 * Parses a photo list. A first row whose first field is a URL means "no header": every line is
 * `url[,propertyCode]`. Otherwise the first row is the header and must name a `url` column.
 */
export function parsePhotoList(text: string): PhotoRow[] {
  const records = parseCsvRecords(text);
  if (!records.length) throw new PhotoListError("the photo list is empty");
  let urlCol = 0;
  let codeCol: number | undefined = 1;
  let body = records;
  if (!looksLikeUrl(records[0]!.fields[0] ?? "")) {
    const header = records[0]!.fields.map((f) => f.trim().toLowerCase());
    urlCol = header.indexOf("url");
    if (urlCol < 0) {
      throw new PhotoListError(
        `the CSV has no "url" column (header: ${header.join(", ") || "empty"}); ` +
          `expected a header like "url,propertyCode"`,
        records[0]!.line,
      );
    }
    const code = header.indexOf("propertycode");
    codeCol = code >= 0 ? code : undefined;
    body = records.slice(1);
  }
  if (!body.length) throw new PhotoListError("the CSV has a header but no photos");
  return body.map(({ line, fields }) => {
    const url = (fields[urlCol] ?? "").trim();
    if (!url) throw new PhotoListError("the url is empty", line);
    if (!looksLikeUrl(url)) throw new PhotoListError(`"${url}" is not a URL`, line);
    const code = codeCol === undefined ? "" : (fields[codeCol] ?? "").trim();
    return code ? { url, propertyCode: code } : { url };
  });
}
