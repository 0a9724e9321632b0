'use strict';

// ESLint's own stylish formatter, given each file's path relative to the folder ESLint runs in:
// the file header that ESLint before 2.0 printed (the path as given) and that wrappers print.
const path = require('path');
const stylish = require('eslint/lib/cli-engine/formatters/stylish');

module.exports = (results) => stylish(results.map((result) => Object.assign({}, result, {
  filePath: path.relative(process.cwd(), result.filePath),
})));
