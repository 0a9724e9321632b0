'use strict';

const test = require('tape');

test('reads defaults', (t) => {
  t.equal(JSON.parse('{"port":80}').port, 80);
  t.equal(JSON.parse('{"host":"a"}').host, 'b', 'host from the file'); // FAULT: wrong expectation
  t.end();
});

test('reads the environment', (t) => {
  t.ok(true, 'environment read');
  process.exit(1); // FAULT: the process ends before tape prints its totals
});

test('never runs', (t) => {
  t.ok(true);
  t.end();
});
