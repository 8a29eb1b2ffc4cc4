import type { SeedProblem } from '../../src/build-data/seed-problem.js';
import type { InterpolationPair } from '../../src/build-data/interpolation-pairs.js';
import type { ChatScript, ScriptRequest, ScriptedTurn } from '../helpers/scripted-chat-server.js';

/**
 * The scripted teacher and student of the data tests. What they write is a function of the question and the
 * sample (the request's seed), so the number of solutions each filter keeps or rejects is known before a run:
 * - D0 solutions cycle through D0_PLAN by (seed index + sample);
 * - interpolation replies cycle through INTERPOLATION_PLAN by pair index (the request's seed);
 * - the judge's verdicts and the student's n solutions are decided by the new problem's numbers.
 */

export const D0_PLAN = ['correct', 'tool-error-then-correct', 'wrong-answer', 'refusal', 'malformed-tool-call', 'no-answer', 'unfinished'] as const;
export type D0Kind = (typeof D0_PLAN)[number];

/** The D0 filter's reason for each kind. */
export const D0_EXPECTED_REASON: Record<D0Kind, string> = {
  correct: 'kept',
  'tool-error-then-correct': 'kept',
  'wrong-answer': 'wrong-answer',
  refusal: 'refusal',
  'malformed-tool-call': 'malformed-tool-call',
  'no-answer': 'no-answer',
  unfinished: 'unfinished',
};

export function d0Kind(seedIndex: number, sample: number): D0Kind {
  return D0_PLAN[(seedIndex + sample) % D0_PLAN.length]!;
}

const python = (code: string): ScriptedTurn['toolCall'] => ({ arguments: JSON.stringify({ code }) });
const printAnswer = (answer: string) => python(`answer = ${JSON.stringify(answer)}\nprint(answer)`);

/** A tool-using solution of `answer` of the given kind, turn by turn. */
function solutionTurn(kind: D0Kind | 'correct', answer: string, round: number): ScriptedTurn {
  switch (kind) {
    case 'correct':
      return round === 0 ? { content: 'Let me compute this with Python.', toolCall: printAnswer(answer) } : { content: `The answer is $\\boxed{${answer}}$.` };
    case 'tool-error-then-correct':
      if (round === 0) return { content: 'First, the value.', toolCall: python('print(value_not_defined_yet)') };
      if (round === 1) return { content: 'The variable was not defined; define it first.', toolCall: printAnswer(answer) };
      return { content: `So the answer is $\\boxed{${answer}}$.` };
    case 'wrong-answer':
      return round === 0 ? { content: 'Let me compute.', toolCall: printAnswer(answer) } : { content: 'Rounding the result, the answer is $\\boxed{-987654}$.' };
    case 'refusal':
      return { content: "I'm sorry, but I can't help with that request." };
    case 'malformed-tool-call':
      if (round === 0) return { content: 'Computing.', toolCall: { arguments: '{"code": "print(1 + 1)' } };
      if (round === 1) return { content: 'Again, properly.', toolCall: printAnswer(answer) };
      return { content: `The answer is $\\boxed{${answer}}$.` };
    case 'no-answer':
      return round === 0 ? { content: 'Let me compute.', toolCall: printAnswer(answer) } : { content: `The result is ${answer}, which answers the question.` };
    case 'unfinished':
      return { content: 'Checking once more.', toolCall: python('print("checking")') };
  }
}

// --- D1 ---------------------------------------------------------------------------------------------------

export const INTERPOLATION_PLAN = ['good', 'good', 'empty', 'good', 'copy', 'good', 'refusal', 'no-question', 'good', 'truncated', 'labelled'] as const;
export type InterpolationKind = (typeof INTERPOLATION_PLAN)[number];

export function interpolationKind(pairIndex: number): InterpolationKind {
  return INTERPOLATION_PLAN[pairIndex % INTERPOLATION_PLAN.length]!;
}

/** The numbers of pair i's new problem: unique per pair. */
export function newProblemNumbers(pairIndex: number): { trays: number; muffins: number; sold: number } {
  return { trays: 3 + pairIndex, muffins: 4 + (pairIndex % 5), sold: 1 + (pairIndex % 3) };
}

export function newProblemText(pairIndex: number): string {
  const { trays, muffins, sold } = newProblemNumbers(pairIndex);
  return `A baker bakes ${trays} trays with ${muffins} muffins on each tray, then sells ${sold} muffins. How many muffins does the baker have left?`;
}

const NEW_PROBLEM = /A baker bakes (\d+) trays with (\d+) muffins on each tray, then sells (\d+) muffins/;

/** What the n student solutions of a new problem do, by its tray count. */
export const STUDENT_PLAN = ['agree', 'agree-with-tool-error', 'disagree', 'one-refuses', 'one-malformed'] as const;
export type StudentKind = (typeof STUDENT_PLAN)[number];

export function studentKind(trays: number): StudentKind {
  return STUDENT_PLAN[trays % STUDENT_PLAN.length]!;
}

export const STUDENT_EXPECTED: Record<StudentKind, { decision: string; usable: number }> = {
  agree: { decision: 'kept', usable: 3 },
  'agree-with-tool-error': { decision: 'kept', usable: 3 },
  disagree: { decision: 'disagree', usable: 0 },
  'one-refuses': { decision: 'refusal', usable: 0 },
  'one-malformed': { decision: 'kept', usable: 2 },
};

/** The judge: harder than the GSM8K source (a tie for every 4th tray count), easier than MATH (unparsable for every 7th). */
export function judgeReply(trays: number, againstGsm8k: boolean): string {
  if (againstGsm8k) return trays % 4 === 0 ? 'They are about the same: Tie.' : 'Problem 2 involves more steps, so the answer is "Problem 2".';
  return trays % 7 === 0 ? 'Both look fine to me.' : 'Problem 1 needs competition techniques; Problem 1.';
}

export function expectedDifficulty(trays: number): { vsGsm8k: string; vsMath: string } {
  return { vsGsm8k: trays % 4 === 0 ? 'tie' : 'harder', vsMath: trays % 7 === 0 ? 'unparsed' : 'easier' };
}

function interpolationReply(request: ScriptRequest, gsm8kQuestion: string): ScriptedTurn {
  const index = request.seed ?? 0;
  switch (interpolationKind(index)) {
    case 'good':
      return { content: newProblemText(index) };
    case 'labelled':
      return { content: `**New problem:** ${newProblemText(index)}\n\nSolution: multiply, then subtract.` };
    case 'empty':
      return { content: '   ' };
    case 'copy':
      return { content: gsm8kQuestion };
    case 'refusal':
      return { content: "I'm sorry, I can't create that problem." };
    case 'no-question':
      return { content: 'Here is a fact about bakeries: bread is usually baked early in the morning.' };
    case 'truncated':
      return { content: `${newProblemText(index).slice(0, 40)}`, finishReason: 'length' };
  }
}

function studentTurn(request: ScriptRequest, trays: number, muffins: number, sold: number): ScriptedTurn {
  const answer = String(trays * muffins - sold);
  const sample = request.seed ?? 0;
  const kind = studentKind(trays);
  if (kind === 'agree-with-tool-error' && sample === 1) return solutionTurn('tool-error-then-correct', answer, request.round);
  if (kind === 'disagree' && sample === 2) return solutionTurn('correct', String(trays * muffins + sold), request.round);
  if (kind === 'one-refuses' && sample === 1) return solutionTurn('refusal', answer, request.round);
  if (kind === 'one-malformed' && sample === 0) return solutionTurn('malformed-tool-call', answer, request.round);
  return solutionTurn('correct', answer, request.round);
}

/**
 * The whole script: D0 solutions of the seeds, and for D1 the interpolation, the judge and the student's
 * solutions of the new problems. Seeds are recognised by their question text.
 */
export function dataScript(seeds: readonly SeedProblem[]): ChatScript {
  const seedIndex = new Map(seeds.map((seed, index) => [seed.question, index]));
  return (request) => {
    if (!request.tools) {
      if (request.question.startsWith('Please create a new problem')) {
        const gsm8k = /Example 1: ([\s\S]*?)\n\nExample 2: /.exec(request.question)![1]!;
        return interpolationReply(request, gsm8k);
      }
      const judged = /Problem 2: "([\s\S]*?)"\n\nYou answer/.exec(request.question);
      if (judged) {
        const trays = Number(NEW_PROBLEM.exec(judged[1]!)?.[1] ?? 0);
        const problem1 = /Problem 1: "([\s\S]*?)"\n\nProblem 2/.exec(request.question)![1]!;
        const source = seeds.find((seed) => seed.question === problem1);
        return { content: judgeReply(trays, source?.source === 'gsm8k') };
      }
      return { content: 'I do not know this request.' };
    }
    const numbers = NEW_PROBLEM.exec(request.question);
    if (numbers) return studentTurn(request, Number(numbers[1]), Number(numbers[2]), Number(numbers[3]));
    const index = seedIndex.get(request.question);
    if (index === undefined) return { content: 'I have not seen this problem.' };
    return solutionTurn(d0Kind(index, request.seed ?? 0), seeds[index]!.answer, request.round);
  };
}

/** The expected fate of pair `pair`: dropped (with reason) or solved (with the decision and usable solutions). */
export function expectedPairOutcome(pair: InterpolationPair, judgeFilter: boolean): { dropped: string | null; decision: string | null; usable: number } {
  const kind = interpolationKind(pair.index);
  const dropped: Partial<Record<InterpolationKind, string>> = { empty: 'empty', copy: 'copy-of-source', refusal: 'refusal', 'no-question': 'no-question', truncated: 'truncated' };
  if (dropped[kind]) return { dropped: dropped[kind]!, decision: null, usable: 0 };
  const { trays } = newProblemNumbers(pair.index);
  const difficulty = expectedDifficulty(trays);
  if (judgeFilter && !(difficulty.vsGsm8k === 'harder' && difficulty.vsMath === 'easier')) return { dropped: 'outside-judged-band', decision: null, usable: 0 };
  const expected = STUDENT_EXPECTED[studentKind(trays)];
  return { dropped: null, decision: expected.decision, usable: expected.usable };
}
