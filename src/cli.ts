import { createRequire } from 'node:module';
console.log('cli', typeof createRequire);
