'use strict';

function sum(a, b) {
  return a + b;
}

function parse(text) {
  if (!text) {
    throw new TypeError('empty input'); // thrown here, caught by no one
  }
  return JSON.parse(text);
}

module.exports = { sum, parse };
