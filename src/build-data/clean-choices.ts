/** The choices of `data clean`, in a module without dependencies (the CLI's help lists them without loading the indexes). */

/** The decontamination rules (contamination.ts describes them). */
export const DECONTAMINATION_RULES = ['normalized', 'mathcoder2'] as const;
export type DecontaminationRule = (typeof DECONTAMINATION_RULES)[number];

/** Word 3-gram Jaccard above which two questions of the set being cleaned are near duplicates. */
export const NEAR_DUPLICATE_THRESHOLD = 0.8;
