'use strict';

const { sum } = require('./sum');

test('sums zero', () => {
  expect(sum(0, 0)).toBe(0);
});

test('sums twice', () => {
  expect(sum(sum(1, 1), 1)).toBe(3);
});
