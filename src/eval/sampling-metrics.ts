/**
 * Metrics over n samples of one problem: pass@k (the unbiased estimator of Chen et al. 2021), maj@k (majority
 * vote over the first k samples' answers, grouped by answer equivalence, not string equality, as Qwen2.5-Math's
 * rm_maj_eval does), and MathCoder's self-distillation filter "all n answers agree".
 */

export interface SampleOutcome {
  /** The extracted answer, or null when the sample gave none. */
  readonly answer: string | null;
  readonly correct: boolean;
}

/** Decides whether two extracted answers are the same answer (the strict grader's equivalence). */
export type AnswerEquivalence = (a: string, b: string) => Promise<boolean>;

/** pass@k = 1 - C(n-c, k) / C(n, k): the chance that at least one of k samples drawn from the n is correct. */
export function passAtK(n: number, correct: number, k: number): number {
  if (k > n) throw new RangeError(`pass@${k} needs at least ${k} samples, got ${n}`);
  if (n - correct < k) return 1;
  let allWrong = 1;
  for (let i = n - correct + 1; i <= n; i += 1) allWrong *= 1 - k / i;
  return 1 - allWrong;
}

export interface AnswerGroup {
  readonly answer: string;
  readonly members: number[];
  readonly correct: boolean;
}

/** Groups answers by equivalence, each group keyed by its first member; samples without an answer join no group. */
export async function groupAnswers(samples: readonly SampleOutcome[], equivalent: AnswerEquivalence): Promise<AnswerGroup[]> {
  const groups: Array<{ answer: string; members: number[]; correct: boolean }> = [];
  for (const [index, sample] of samples.entries()) {
    if (sample.answer === null || sample.answer.trim() === '') continue;
    let home: (typeof groups)[number] | undefined;
    for (const group of groups) {
      if (group.answer === sample.answer || (await equivalent(group.answer, sample.answer))) {
        home = group;
        break;
      }
    }
    if (home) home.members.push(index);
    else groups.push({ answer: sample.answer, members: [index], correct: sample.correct });
  }
  return groups;
}

/**
 * maj@k: the largest group among the first k samples decides; a tie goes to the group whose first member came
 * first. Null when no sample gave an answer.
 */
export async function majorityAtK(samples: readonly SampleOutcome[], k: number, equivalent: AnswerEquivalence): Promise<AnswerGroup | null> {
  const groups = await groupAnswers(samples.slice(0, k), equivalent);
  let best: AnswerGroup | null = null;
  for (const group of groups) if (best === null || group.members.length > best.members.length) best = group;
  return best;
}

/** MathCoder's D1 filter: every one of the n samples gave an answer and all are equivalent. */
export async function allAgree(samples: readonly SampleOutcome[], equivalent: AnswerEquivalence): Promise<boolean> {
  if (samples.length === 0 || samples.some((sample) => sample.answer === null || sample.answer.trim() === '')) return false;
  const groups = await groupAnswers(samples, equivalent);
  return groups.length === 1;
}
