'use strict';

const helper = require('./b');
const unusedThing = 42; // FAULT: no-unused-vars (error)

function check(value) {
  if (value == null) { // FAULT: eqeqeq (error)
    return false;
  }
  let result = helper.double(value); // FAULT: prefer-const (warning)
  return result > 10
} // FAULT above: semi (warning)

console.log(check(3)); // FAULT: no-console (warning)
module.exports = { check };
