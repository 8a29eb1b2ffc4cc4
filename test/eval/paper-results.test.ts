import { describe, expect, it } from 'vitest';
import { paperRowFor } from '../../src/eval/paper-results.js';

describe("the paper's Table 2", () => {
  it('recognises MathCoder models from file and hub names', () => {
    expect(paperRowFor('hf:RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf/MathCoder-CL-7B.Q4_K_M.gguf')?.accuracy).toEqual({
      gsm8k: 67.8,
      math: 30.2,
      svamp: 70.7,
      mathematics: 55.8,
      simuleq: 49.6,
    });
    expect(paperRowFor('MathLLMs/MathCoder-L-70B')?.size).toBe('70B');
    expect(paperRowFor('mathcoder-l-7b')?.accuracy.gsm8k).toBe(64.2);
    expect(paperRowFor('MathCoder-L-7b/GSM8K_test_result.jsonl')?.model).toBe('MathCoder-L');
    expect(paperRowFor('llama-3-8b')).toBeNull();
  });

  it('does not take a 70B model for a 7B one', () => {
    expect(paperRowFor('MathCoder-L-70B')?.accuracy.math).toBe(45.1);
    expect(paperRowFor('MathCoder-L-7B')?.accuracy.math).toBe(23.3);
  });
});
