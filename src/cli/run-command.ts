import { InvalidArgumentError } from 'commander';
import { MathcoderError, errorMessage } from '../errors.js';

/**
 * The only place errors are caught: a MathcoderError is printed as one line (`mathcoder: …`) and the process
 * exits 1; anything else is an internal error, also one line unless MATHCODER_DEBUG is set.
 */
export async function runCommand(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof MathcoderError) {
      process.stderr.write(`mathcoder: ${errorMessage(error)}\n`);
    } else {
      process.stderr.write(`mathcoder: internal error: ${errorMessage(error)} (set MATHCODER_DEBUG=1 for details)\n`);
      if (process.env.MATHCODER_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    }
    process.exitCode = 1;
  }
}

/** Parses a positive integer option; commander prints the error on one line. */
export function positiveInteger(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError(`${name} must be a positive integer.`);
    return number;
  };
}

export function positiveNumber(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${name} must be a positive number.`);
    return number;
  };
}

export function nonNegativeInteger(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`${name} must be a whole number, 0 or more.`);
    return number;
  };
}

export function nonNegativeNumber(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError(`${name} must be a number, 0 or more.`);
    return number;
  };
}

export function probability(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0 || number > 1) throw new InvalidArgumentError(`${name} must be in (0, 1].`);
    return number;
  };
}
