const test = require("node:test");
const assert = require("node:assert");
const { price, total, format } = require("../dist/index.js");

test("total adds the cents", () => {
  assert.strictEqual(total([price(150), price(275)]).cents, 425);
});

test("an empty total is zero euros", () => {
  assert.deepStrictEqual(total([]), { cents: 0, currency: "EUR" });
});

test("format pads the cents", () => {
  assert.strictEqual(format(price(705)), "7.05 EUR");
});
