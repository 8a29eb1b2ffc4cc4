export * from './types.js';
export * from './grade-answer.js';
export { createCompatGrader, type CompatGraderOptions } from './compat/compat-grader.js';
export { findMathAnswer, compatModelAnswer } from './compat/find-math-answer.js';
export { compatMatch } from './compat/is-equal.js';
export { createStrictGrader, type StrictGraderOptions } from './strict/strict-grader.js';
export { extractStrictAnswer, normalizeAnswer } from './strict/extract-answer.js';
export { SymbolicChecker, type SymbolicCheckerOptions, type SymbolicOutcome } from './strict/symbolic-checker.js';
