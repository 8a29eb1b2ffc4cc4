import { asksForPrimeFactors } from '../question/question-reading.js';
import type { RuleInput, RuleTools, StrictRule } from './strict-rule.js';

/**
 * "List the prime factors of 18" (reference `[2, 3]`): the primes an answer names, as a set. `2, 3, 3`,
 * `2^1 \times 3^2`, `\{2: 1, 3: 2\}` (sympy's factorint) and `2 and 3` all name 2 and 3. A number in the answer
 * that is not a prime, or a prime too many or too few, makes it wrong.
 */

function isPrime(value: bigint): boolean {
  if (value < 2n) return false;
  for (let divisor = 2n; divisor * divisor <= value; divisor += 1n) if (value % divisor === 0n) return false;
  return true;
}

/** The integers an answer names as factors (exponents and factorint multiplicities left out), or null for anything else. */
function factorsOf(text: string): bigint[] | null {
  const cleaned = text
    .replace(/^[^=]*=/, '')
    .replace(/\\text\{[^{}]*\}|\\left|\\right|\\[,;!]|\$|\\\(|\\\)/g, ' ')
    .replace(/\^\s*\{?\s*\d+\s*\}?/g, ' ')
    .replace(/(\d+)\s*:\s*\d+/g, '$1')
    .replace(/\\times|\\cdot|\*|\\\{|\\\}|[[\]{}(),;]|\band\b/g, ' ')
    .trim();
  if (cleaned === '' || !/^[\d\s]+$/.test(cleaned)) return null;
  const numbers = cleaned.split(/\s+/).map((item) => BigInt(item));
  return numbers.every((number) => number < 10n ** 15n) ? numbers : null;
}

async function decide(input: RuleInput, tools: RuleTools) {
  if (!asksForPrimeFactors(input.question)) return null;
  const reference = factorsOf(tools.normalize(input.reference)) ?? factorsOf(input.reference);
  if (reference === null || reference.length === 0 || !reference.every(isPrime)) return null;
  const named = input.answers.map((answer) => factorsOf(answer.text) ?? factorsOf(tools.normalize(answer.text)));
  if (named.some((factors) => factors === null)) return null;
  const numbers = named.flat() as bigint[];
  const wanted = [...new Set(reference)].sort((a, b) => (a < b ? -1 : 1));
  const given = [...new Set(numbers)].sort((a, b) => (a < b ? -1 : 1));
  const notPrime = given.filter((value) => !isPrime(value));
  if (notPrime.length > 0) return { equal: false, method: 'structure' as const, why: `the answer names ${notPrime.slice(0, 3).join(', ')}, not prime; the prime factors are ${wanted.join(', ')}` };
  const equal = wanted.length === given.length && wanted.every((value, index) => value === given[index]);
  return { equal, method: 'structure' as const, why: equal ? `the answer names the primes ${given.join(', ')}, the reference's` : `the answer names the primes ${given.join(', ')}; the prime factors are ${wanted.join(', ')}` };
}

export const primeFactors: StrictRule = {
  name: 'prime-factors',
  summary: 'for "the prime factors of N", the primes named (repeats, exponents and order aside)',
  decide,
  cases: [
    { question: 'List the prime factors of 18.', reference: '[2, 3]', answer: '\\boxed{2, 3, 3}', expected: true, why: 'repeated factors name the same primes' },
    { question: 'List the prime factors of 18.', reference: '[2, 3]', answer: '\\boxed{2^1 \\times 3^2}', expected: true, why: 'a factorisation names the primes' },
    { question: 'List the prime factors of 18.', reference: '[2, 3]', answer: '\\boxed{\\{2: 1, 3: 2\\}}', expected: true, why: 'sympy factorint output' },
    { question: 'What are the prime factors of s?', reference: '[3, 5]', answer: 'The prime factors are \\(\\boxed{3}\\) and \\(\\boxed{5}\\).', expected: true, why: 'one box per prime' },
    { question: 'List the prime factors of 9/15 - (-548)/20.', reference: '[2, 7]', answer: '\\boxed{2, 7, 14}', expected: false, why: '14 is not prime' },
    { question: 'What are the prime factors of n?', reference: '[3457]', answer: '\\boxed{\\text{Prime factors of } n = 3, 7}', expected: false, why: 'other primes' },
    { question: 'List the prime factors of v.', reference: '[2, 3]', answer: '\\boxed{2}', expected: false, why: 'a prime missing' },
  ],
};
