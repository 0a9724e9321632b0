'use strict';

console.log('native: configuring');
console.error('native: no C compiler found (set CC)'); // FAULT: the install script fails
process.exit(1);
