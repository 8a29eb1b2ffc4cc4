/**
 * Metrics over n samples of one problem: pass@1 averaged over the samples (with its standard error across
 * problems), pass@k (the unbiased estimator of Chen et al. 2021), maj@k (majority
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
    if (!hasAnswer(sample)) continue;
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
  if (samples.length === 0 || samples.some((sample) => !hasAnswer(sample))) return false;
  const groups = await groupAnswers(samples, equivalent);
  return groups.length === 1;
}

/** A mean over problems and its standard error (the sample standard deviation over √n; null below 2 values). */
export interface MeanWithError {
  readonly mean: number;
  readonly standardError: number | null;
  /** How many values (problems) the mean is over. */
  readonly problems: number;
}

export function meanWithStandardError(values: readonly number[]): MeanWithError | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { mean, standardError: null, problems: n };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { mean, standardError: Math.sqrt(variance / n), problems: n };
}

/**
 * pass@1 as the field reports it for k samples (DeepSeek-R1, Qwen2.5-Math "avg@k"): each problem's share of
 * correct samples, averaged over problems, with the standard error across problems.
 */
export function averagedPassAt1(problems: ReadonlyArray<readonly SampleOutcome[]>): MeanWithError | null {
  return meanWithStandardError(problems.filter((samples) => samples.length > 0).map((samples) => samples.filter((sample) => sample.correct).length / samples.length));
}

/** Whether a sample gave an answer to grade. */
export function hasAnswer(sample: SampleOutcome): sample is SampleOutcome & { readonly answer: string } {
  return sample.answer !== null && sample.answer.trim() !== '';
}
