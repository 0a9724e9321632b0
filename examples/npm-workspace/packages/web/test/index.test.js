const test = require("node:test");
const assert = require("node:assert");
const { price } = require("core");
const { receiptLine, greeting } = require("../dist/index.js");

test("a receipt line shows label and price", () => {
  assert.strictEqual(receiptLine("Tea", price(350)), "Tea: 3.50 EUR");
});

test("greets by name", () => {
  assert.strictEqual(greeting("Ada"), "Hello, Ada!");
});

test("greets a guest when no name is given", () => {
  const unused = "lint warning on purpose"; // FAULT: no-unused-vars warning for ESLint
  assert.strictEqual(greeting(), "Hello, World!"); // FAULT: failing test on purpose, the greeting is "Hello, guest!"
});
