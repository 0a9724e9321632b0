'use strict';

const test = require('node:test');
const assert = require('node:assert');

test('one', () => assert.ok(true));
test('two', () => assert.strictEqual(2, 2));
test('later', { skip: true }, () => {});
