import { findDuplicateKey } from "../../../src/domain/duplicateKeys.js";

describe("findDuplicateKey", () => {
  test.each([
    ['{"a":1,"a":2}', "a"],
    ['{"images":[{"url":"x","url":"y"}]}', "url"],
    ['{"x":{"b":1},"y":{"b":2},"x":3}', "x"],
    ['{"k\\u0061":1,"ka":2}', "ka"],
    ['{"a":"\\"a\\"","a":1}', "a"],
  ])("%s -> %s", (text, key) => {
    expect(findDuplicateKey(text)).toBe(key);
  });

  test.each([
    '{"a":1,"b":2}',
    '{"a":{"a":{"a":1}}}',
    '[{"a":1},{"a":2}]',
    '{"a":"a","b":["a","a"]}',
    '{"s":"{\\"a\\":1,\\"a\\":2}"}',
    '"just a string"',
    "[]",
  ])("no duplicate in %s", (text) => {
    expect(findDuplicateKey(text)).toBeNull();
  });
});
