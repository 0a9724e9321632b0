'use strict';

test.skip('someday', () => {});

test('today', () => {
  expect(1).toBe(1);
});
