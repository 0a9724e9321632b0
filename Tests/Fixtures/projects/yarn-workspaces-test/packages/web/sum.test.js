'use strict';

const { sum, parse } = require('./sum');

describe('sum', () => {
  test('adds small numbers', () => {
    expect(sum(1, 2)).toBe(3);
  });

  test('adds negative numbers', () => {
    expect(sum(-1, -2)).toBe(-4); // FAULT: wrong expectation
  });

  test.skip('adds big numbers', () => {
    expect(sum(1e3, 1)).toBe(1001);
  });

  test.todo('adds strings');
});

describe('parse', () => {
  test('parses JSON', () => {
    expect(parse('{"a":1}')).toEqual({ a: 1 });
  });

  test('rejects empty input', () => {
    expect(parse('')).toEqual({}); // FAULT: throws TypeError
  });
});
