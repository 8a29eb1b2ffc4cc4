export * from './types.js';
export * from './solve-options.js';
export * from './solve-problem.js';
export * from './boxed-answer.js';
export { solveWithChat } from './solve-with-chat.js';
export { solveWithCompletions } from './solve-with-completions.js';
export * from './solve-record.js';
