// Loaded with `node --import`: registers the ES2017 resolve hook. The flat-ESM build still calls
// require('util') for its Node platform, so a module-scoped require is provided globally.
import { register, createRequire } from 'node:module';
globalThis.require ??= createRequire(import.meta.url);
register('./tfjs-es2017-hooks.mjs', import.meta.url);
