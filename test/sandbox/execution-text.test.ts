import { describe, expect, it } from 'vitest';
import { executionText, pythonStrip } from '../../src/sandbox/execution-text.js';
import type { CellResult } from '../../src/sandbox/types.js';

function cell(overrides: Partial<CellResult>): CellResult {
  return {
    status: 'ok',
    executionCount: 1,
    streams: [],
    result: null,
    displays: [],
    error: null,
    truncated: false,
    outputChars: 0,
    durationMs: 1,
    stateLost: false,
    message: null,
    ...overrides,
  };
}

const nameError = {
  name: 'NameError',
  value: "name 'y' is not defined",
  traceback: ['-'.repeat(75), 'NameError                                 Traceback (most recent call last)', 'Cell In[3], line 1\n----> 1 y\n', "NameError: name 'y' is not defined"],
};

describe('the execution text a model reads', () => {
  it('MathCoder style: streams, then the display, then the traceback joined with spaces, stripped', () => {
    expect(executionText(cell({ streams: [{ name: 'stdout', text: 'a\n' }], result: '2' }))).toBe('a\n2');
    expect(executionText(cell({ status: 'error', error: nameError }))).toBe(
      `${'-'.repeat(75)} NameError                                 Traceback (most recent call last) Cell In[3], line 1\n----> 1 y\n NameError: name 'y' is not defined`,
    );
    expect(executionText(cell({ streams: [{ name: 'stdout', text: '  \n' }] }))).toBe('<empty_execution>');
    expect(executionText(cell({}), { style: 'mathcoder', emptyText: '' })).toBe('');
  });

  it('ignores display() output, as MathCoder\'s client ignored display_data', () => {
    expect(executionText(cell({ displays: ['<Figure size 640x480 with 1 Axes>'] }))).toBe('<empty_execution>');
  });

  it('says a killed cell was killed and why', () => {
    expect(executionText(cell({ status: 'killed', message: 'the cell ignored its 6 s time limit', stateLost: true }))).toBe(
      'ExecutionKilled: the cell ignored its 6 s time limit',
    );
  });

  it('ToRA style: printed output, else the last traceback line, else "Done", cut to 200+200 past 400', () => {
    const tora = { style: 'tora' } as const;
    expect(executionText(cell({ streams: [{ name: 'stdout', text: '5\n' }], result: 'ignored' }), tora)).toBe('5');
    expect(executionText(cell({ status: 'error', error: nameError }), tora)).toBe("NameError: name 'y' is not defined");
    expect(executionText(cell({ status: 'error', error: { ...nameError, name: 'ZeroDivisionError', value: '' } }), tora)).toBe('ZeroDivisionError');
    expect(executionText(cell({}), tora)).toBe('Done');
    const long = executionText(cell({ streams: [{ name: 'stdout', text: 'a'.repeat(300) + 'b'.repeat(300) }] }), tora);
    expect(long).toBe('a'.repeat(200) + '...' + 'b'.repeat(200));
  });

  it('strips whitespace as Python str.strip() does', () => {
    expect(pythonStrip('\x1c\t x \u3000\n')).toBe('x');
  });
});
