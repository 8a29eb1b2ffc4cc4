import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MathcoderError, errorMessage } from '../errors.js';

export interface RunCommandOptions {
  /** Folders the command may create: any of them that did not exist before and holds nothing when it fails is removed. */
  readonly outputFolders?: ReadonlyArray<string | undefined>;
}

/** True when `dir` holds no file at any depth (only empty folders, or nothing). */
function holdsNoFile(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).every((entry) => entry.isDirectory() && holdsNoFile(join(dir, entry.name)));
}

function removeEmptyTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) removeEmptyTree(join(dir, entry.name));
  rmdirSync(dir);
}

/** Removes the folders a failed command created and left without a file, so a failure leaves no empty output behind. */
function removeFoldersLeftEmpty(created: readonly string[]): void {
  for (const dir of created) {
    try {
      if (existsSync(dir) && statSync(dir).isDirectory() && holdsNoFile(dir)) removeEmptyTree(dir);
    } catch {
      // Best effort: a folder that cannot be read or removed stays.
    }
  }
}

/**
 * The only place errors are caught: a MathcoderError is printed as one line (`mathcoder: …`) and the process
 * exits 1; anything else is an internal error, also one line unless MATHCODER_DEBUG is set.
 */
export async function runCommand(action: () => Promise<void>, options: RunCommandOptions = {}): Promise<void> {
  const created = (options.outputFolders ?? []).filter((dir): dir is string => dir !== undefined).map((dir) => resolve(dir)).filter((dir) => !existsSync(dir));
  try {
    await action();
  } catch (error) {
    removeFoldersLeftEmpty(created);
    if (error instanceof MathcoderError) {
      process.stderr.write(`mathcoder: ${errorMessage(error)}\n`);
    } else {
      process.stderr.write(`mathcoder: internal error: ${errorMessage(error)} (set MATHCODER_DEBUG=1 for details)\n`);
      if (process.env.MATHCODER_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    }
    process.exitCode = 1;
  }
}

/**
 * A group of commands (`data`, `train`) given no command, or an unknown one: one line naming its commands (commander
 * would print the whole help on standard error).
 */
export function requireSubcommand(group: Command): Command {
  return group.allowExcessArguments().action(function (this: Command) {
    const names = group.commands.map((command) => command.name()).join(', ');
    const [given] = this.args;
    throw new MathcoderError('input', given === undefined ? `${group.name()} needs a command: ${names} (see mathcoder ${group.name()} --help)` : `unknown command '${group.name()} ${given}': the ${group.name()} commands are ${names}`);
  });
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
    if (value.trim() === '' || !Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`${name} must be a whole number, 0 or more.`);
    return number;
  };
}

export function nonNegativeNumber(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError(`${name} must be a number, 0 or more.`);
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

/** A TCP port to listen on: 0 (a free one) to 65535. */
export function portNumber(name: string): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError(`${name} must be a port number from 0 to 65535 (0 takes a free one).`);
    return number;
  };
}
