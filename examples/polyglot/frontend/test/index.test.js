const test = require("node:test");
const assert = require("node:assert");
const { label } = require("../dist/index.js");

test("a label shows both scales", () => {
  assert.strictEqual(label(100, 212), "100.0 °C / 212.0 °F");
});
