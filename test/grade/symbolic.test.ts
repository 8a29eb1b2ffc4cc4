import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latexToSympyComplete } from '../../src/grade/compat/latex-to-sympy.js';
import type { SympyNode } from '../../src/grade/compat/sympy-tree.js';
import { gradeAnswer, createGraders } from '../../src/grade/grade-answer.js';
import { SymbolicChecker } from '../../src/grade/strict/symbolic-checker.js';
import { createStrictGrader } from '../../src/grade/strict/strict-grader.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';

/** The strict grader's symbolic path: sympy in a real sandbox session, with a time limit per comparison. */
let sandbox: PythonSandbox;
beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 1 });
});
afterAll(async () => {
  await sandbox?.close();
});

const parse = (text: string) => latexToSympyComplete(text) as SympyNode;

describe('symbolic equivalence with sympy in the sandbox', () => {
  it('proves polynomial identities and plane equations up to a factor (MATH idx 4896-style answers)', async () => {
    const checker = new SymbolicChecker(() => sandbox.createSession(), { timeoutMs: 10_000 });
    const grader = createStrictGrader({ checker });
    try {
      expect(await grader.equivalent('(x^2 + 1)(x^2 - 4x + 13)', 'x^4-4x^3+14x^2-4x+13')).toMatchObject({ equal: true, method: 'symbolic', rule: 'value' });
      expect(await grader.equivalent('20x + 23y + 26z - 69 = 0', '40x+46y+52z=138')).toMatchObject({ equal: true, method: 'symbolic', rule: 'value' });
      expect(await grader.equivalent('\\frac{1}{2 - x}', '-\\frac{1}{x-2}')).toMatchObject({ equal: true, method: 'symbolic', rule: 'value' });
      // Different at the sample points: decided without sympy.
      expect(await grader.equivalent('x^2', 'x^3')).toMatchObject({ equal: false, method: 'sampled', rule: 'value' });
      expect(checker.calls).toBe(3);
    } finally {
      await checker.close();
    }
  });

  it('a comparison that outlives its time limit is "not proven equal" (timeout), and the checker keeps working', async () => {
    const checker = new SymbolicChecker(() => sandbox.createSession(), { timeoutMs: 150 });
    try {
      // simplify((x+y+1)^300 - (x+y+2)^300) runs for minutes (more than 15 s on a 2-core VM, where the
      // 30th powers take under a second), so 150 ms runs out on any machine however fast.
      expect(await checker.compare(parse('(x+y+1)^{300}'), parse('(x+y+2)^{300}'))).toBe('timeout');
      expect(checker.timeouts).toBe(1);
      expect(await checker.compare(parse('x+1'), parse('1+x'))).toBe('equal');
      expect(await checker.compare(parse('x+1'), parse('x+2'))).toBe('different');
    } finally {
      await checker.close();
    }
  });

  it('a comparison whose interrupt was caught on the way (it came back past its limit) is a timeout, not "different"', async () => {
    // The session's comparison is replaced by one that catches the interrupt, as a broad except in library code
    // would, and then answers 0.
    const swallowing = async () => {
      const session = await sandbox.createSession();
      return {
        id: session.id,
        get closed() {
          return session.closed;
        },
        close: () => session.close(),
        run: async (code: string, options?: Parameters<typeof session.run>[1]) => {
          const result = await session.run(code, options);
          if (code.includes('def __mc_equal')) await session.run('def __mc_equal(a, b):\n    try:\n        while True:\n            pass\n    except BaseException:\n        return 0');
          return result;
        },
      };
    };
    const checker = new SymbolicChecker(swallowing, { timeoutMs: 150 });
    try {
      expect(await checker.compare(parse('x+1'), parse('1+x'))).toBe('timeout');
      expect(checker.timeouts).toBe(1);
    } finally {
      await checker.close();
    }
  });

  it('gradeAnswer runs both graders on one completion', async () => {
    const graders = createGraders();
    const results = await gradeAnswer('\\frac{1}{2}', 'so the answer is $\\boxed{0.5}$', [graders.strict, graders['mathcoder-compat']]);
    expect(results.map((result) => [result.grader, result.answer, result.verdict.equal])).toEqual([
      ['strict', '0.5', true],
      ['mathcoder-compat', '\\frac{1}{2}', true],
    ]);
  });
});
