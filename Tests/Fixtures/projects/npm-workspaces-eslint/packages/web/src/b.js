'use strict';

function double(x) {
  return x * factor; // FAULT: no-undef (error)
}

module.exports = { double };
