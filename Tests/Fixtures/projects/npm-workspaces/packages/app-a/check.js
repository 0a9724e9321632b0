'use strict';

const fs = require('fs');

if (!fs.existsSync('config.json')) {
  console.error('check failed: config.json is missing');
  process.exit(1);
}
