export * from './training-row.js';
export * from './loss-spans.js';
export * from './tokenize-sample.js';
export * from './sequence-packer.js';
export * from './packed-writers.js';
export * from './prepare.js';
