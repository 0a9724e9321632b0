const test = require("node:test");
const assert = require("node:assert");
const { orderTotal, lineCount, sample } = require("../dist/index.js");

test("an order's total is the sum of its lines", () => {
  assert.strictEqual(orderTotal(sample()).cents, 200);
});

test("an order counts its lines", () => {
  assert.strictEqual(lineCount(sample()), 2);
});
