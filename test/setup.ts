import { createRequire } from 'node:module';
// tfjs's flat ESM build calls require('util') for its Node platform object.
(globalThis as { require?: unknown }).require ??= createRequire(import.meta.url);
