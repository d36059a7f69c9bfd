#!/usr/bin/env node
const v: string = process.version;
console.log('hi', v, process.argv.slice(2));
