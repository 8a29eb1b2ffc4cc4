import { register } from 'node:module';

// `node --import ./test/helpers/module-log.mjs …`: logs every module loaded (see module-log-hooks.mjs).
register('./module-log-hooks.mjs', import.meta.url);
