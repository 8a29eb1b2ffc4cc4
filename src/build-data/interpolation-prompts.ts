/**
 * The MathCoder paper's prompts, verbatim (SPEC 1.3): problem interpolation (Fig. 6a) and the difficulty judge
 * (Fig. 8-12, its "You answer should be" included).
 */

export function interpolationPrompt(gsm8kProblem: string, mathProblem: string): string {
  return (
    'Please create a new problem, following the given example, "Example 1" is an easy problem and "Example 2" is much more difficult than "Example 1", ' +
    'the new problem should be harder than "Example 1" and simpler than "Example 2".\n\n' +
    `Example 1: ${gsm8kProblem}\n\n` +
    `Example 2: ${mathProblem}`
  );
}

export function judgePrompt(problem1: string, problem2: string): string {
  return `Which problem is more difficult?\n\nProblem 1: "${problem1}"\n\nProblem 2: "${problem2}"\n\nYou answer should be one of "Problem 1", "Problem 2" and "Tie".`;
}

export type JudgeVerdict = 'problem-1' | 'problem-2' | 'tie' | 'unparsed';

/** The judge's verdict: the last of "Problem 1", "Problem 2" and "Tie" in its answer (the conclusion comes last). */
export function parseJudgeVerdict(answer: string): JudgeVerdict {
  let verdict: JudgeVerdict = 'unparsed';
  let position = -1;
  for (const match of answer.matchAll(/\bproblem\s*([12])\b|\btie\b/gi)) {
    if (match.index! < position) continue;
    position = match.index!;
    verdict = match[1] === '1' ? 'problem-1' : match[1] === '2' ? 'problem-2' : 'tie';
  }
  return verdict;
}

/** How the new problem compares with a source problem, by the judge. */
export type Difficulty = 'harder' | 'easier' | 'tie' | 'unparsed';

/** The judge is asked with the source as Problem 1 and the new problem as Problem 2. */
export function newProblemDifficulty(verdict: JudgeVerdict): Difficulty {
  return verdict === 'problem-2' ? 'harder' : verdict === 'problem-1' ? 'easier' : verdict;
}
