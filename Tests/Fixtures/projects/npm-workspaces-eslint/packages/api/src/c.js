'use strict';

console.log('starting'); // FAULT: no-console
module.exports = {}
