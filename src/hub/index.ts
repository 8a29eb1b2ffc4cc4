export * from './hub-config.js';
export * from './hub-file.js';
export * from './download.js';
export * from './download-hub-file.js';
