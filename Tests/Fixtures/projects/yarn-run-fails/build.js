'use strict';

console.log('build: reading src/');
console.error('build: nothing to do without src/'); // FAULT: the script fails
process.exitCode = 3;
