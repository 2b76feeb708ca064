import {
  DEFAULT_PRICE_TABLE,
  TOKENS_PER_OUTPUT_IMAGE,
  estimateCostUsd,
  parsePriceTable,
} from "../../../src/engines/pricing.js";

describe("estimateCostUsd", () => {
  it("prices a standard gemini-2.5-flash-image call at about $0.039 per output image", () => {
    const cost = estimateCostUsd(
      { promptTokens: 0, outputTokens: 1290, totalTokens: 1290 },
      DEFAULT_PRICE_TABLE,
    );
    expect(cost).toBeCloseTo(0.0387, 6);
  });

  it("adds input tokens at the input rate", () => {
    const cost = estimateCostUsd(
      { promptTokens: 1000, outputTokens: 1290, totalTokens: 2290 },
      DEFAULT_PRICE_TABLE,
    );
    // 1000 * 0.30/1M + 1290 * 30/1M
    expect(cost).toBeCloseTo(0.0003 + 0.0387, 6);
  });

  it("adds the flat per-image price", () => {
    const table = { inputPerMillionTokens: 0, outputPerMillionTokens: 0, perImage: 0.04 };
    expect(estimateCostUsd({ promptTokens: 10, outputTokens: 10, totalTokens: 20 }, table)).toBe(
      0.04,
    );
    expect(estimateCostUsd(undefined, table, 3)).toBeCloseTo(0.12, 6);
  });

  it("assumes one standard output image when the response had no usage", () => {
    expect(estimateCostUsd(undefined, DEFAULT_PRICE_TABLE)).toBeCloseTo(
      (TOKENS_PER_OUTPUT_IMAGE * 30) / 1e6,
      6,
    );
  });

  it("rounds to micro-dollars", () => {
    const cost = estimateCostUsd(
      { promptTokens: 1, outputTokens: 1, totalTokens: 2 },
      { inputPerMillionTokens: 0.1, outputPerMillionTokens: 0.2 },
    );
    expect(cost).toBe(0);
    expect(Number.isFinite(cost)).toBe(true);
  });
});

describe("parsePriceTable", () => {
  it("parses a valid table", () => {
    expect(
      parsePriceTable('{"inputPerMillionTokens":1.25,"outputPerMillionTokens":10,"perImage":0.01}'),
    ).toEqual({ inputPerMillionTokens: 1.25, outputPerMillionTokens: 10, perImage: 0.01 });
  });

  it("returns the gemini-2.5-flash-image default for blank config", () => {
    expect(parsePriceTable("")).toEqual({ inputPerMillionTokens: 0.3, outputPerMillionTokens: 30 });
    expect(parsePriceTable("   ")).toBe(DEFAULT_PRICE_TABLE);
  });

  it.each([
    ["not json", /not valid JSON/],
    ["[]", /Invalid price table/],
    ['{"inputPerMillionTokens":0.3}', /outputPerMillionTokens/],
    ['{"inputPerMillionTokens":-1,"outputPerMillionTokens":30}', /inputPerMillionTokens/],
    ['{"inputPerMillionTokens":"0.3","outputPerMillionTokens":30}', /inputPerMillionTokens/],
    [
      '{"inputPerMillionTokens":0.3,"outputPerMillionTokens":30,"outputPerMilion":1}',
      /Invalid price table/,
    ],
  ])("rejects %s", (json, message) => {
    expect(() => parsePriceTable(json)).toThrow(message);
  });
});
