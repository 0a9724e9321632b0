'use strict';

console.error('build: nothing to do without src/');
process.exitCode = 3;
