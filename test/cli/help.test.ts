import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

/**
 * The help a newcomer reads first: the commands in the order they need them, every enumerated flag with its
 * allowed values, required options marked, no internal references; and it answers at once because no command
 * loads the modules of its work (the sandbox, llama.cpp, the server, zod, parquet) to describe itself: only
 * commander comes from node_modules.
 */

const folder = mkdtempSync(join(tmpdir(), 'mathcoder-help-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const COMMANDS = [
  [],
  ['solve'],
  ['eval'],
  ['report'],
  ['view'],
  ['serve'],
  ['grade'],
  ['datasets'],
  ['datasets', 'download'],
  ['data'],
  ['data', 'seed'],
  ['data', 'd0'],
  ['data', 'd1'],
  ['data', 'clean'],
  ['data', 'export'],
  ['train'],
  ['train', 'prepare'],
  ['train', 'export'],
  ['train', 'launch'],
  ['replay'],
  ['replay-server'],
];

const help: Record<string, string> = {};

async function helpOf(command: readonly string[]): Promise<string> {
  const key = command.join(' ');
  if (help[key] === undefined) {
    const log = join(folder, `${key.replace(/ /g, '-') || 'main'}.log`);
    const result = await runCli([...command, '--help'], { nodeArgs: ['--import', join(REPO_ROOT, 'test', 'helpers', 'module-log.mjs')], env: { MATHCODER_MODULE_LOG: log } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const packages = new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
        .filter((name): name is string => name !== undefined),
    );
    expect([...packages], `${key} --help loads packages`).toEqual(['commander']);
    help[key] = result.stdout;
  }
  return help[key]!;
}

/** One option's entry in a help text (its term and description, on one line), or '' when it has none. */
function optionEntry(text: string, term: string): string {
  const entries = text.split(/\n(?= {2}-)/).map((entry) => entry.replace(/\s+/g, ' ').trim());
  return entries.find((entry) => entry.startsWith(`${term} `) || entry.startsWith(`${term},`)) ?? '';
}

describe.concurrent('mathcoder --help', () => {
  it.each(COMMANDS.map((command) => [command.join(' ') || '(main)', command] as const))('%s: loads only commander, names no internal reference', async (_name, command) => {
    const text = await helpOf(command);
    expect(text).toMatch(/^Usage: mathcoder/);
    expect(text).not.toMatch(/SPEC \d|§/);
  });
});

describe('what the help says', () => {
  it('is what `mathcoder` alone prints, on standard output', async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe(await helpOf([]));
  });

  it('lists the commands a newcomer needs first', async () => {
    const commands = [...(await helpOf([])).matchAll(/^ {2}([a-z-]+) /gm)].map((match) => match[1]);
    expect(commands.slice(0, 4)).toEqual(['solve', 'eval', 'report', 'view']);
  });

  it('gives the allowed values of every enumerated flag', async () => {
    const cases: Array<[string[], string, string[]]> = [
      [['solve'], '--backend', ['embedded', 'openai-completions', 'tgi', 'openai-chat']],
      [['solve'], '--isolation', ['auto', 'bwrap', 'unshare', 'none']],
      [['solve'], '--syntax', ['mathcoder', 'tora', 'qwen', 'qwen-stateless', 'openmath', 'hermes', 'harmony', 'retool']],
      [['eval'], '--syntax', ['mathcoder', 'tora', 'qwen', 'qwen-stateless', 'openmath', 'hermes', 'harmony', 'retool']],
      [['solve'], '--gpu', ['none', 'auto', 'cuda', 'vulkan']],
      [['solve'], '--stop-mode', ['stop-strings', 'stop-token-ids']],
      [['solve'], '--system', ['data', 'boxed', 'empty']],
      [['eval'], '--backend', ['embedded', 'openai-completions', 'tgi', 'openai-chat', 'replay']],
      [['report'], '--format', ['md', 'json', 'csv']],
      [['grade'], '--grader', ['strict', 'mathcoder-compat', 'both']],
      [['grade'], '--isolation', ['auto', 'bwrap', 'unshare', 'none']],
      [['data', 'clean'], '--rule', ['normalized', 'mathcoder2']],
      [['data', 'd1'], '--keep', ['one', 'all']],
      [['data', 'd0'], '--teacher-backend', ['embedded', 'openai-completions', 'tgi', 'openai-chat']],
      [['train', 'prepare'], '--loss', ['paper', 'all']],
      [['train', 'prepare'], '--too-long', ['drop', 'truncate']],
      [['train', 'prepare'], '--special-tokens', ['add', 'require']],
      [['train', 'export'], '--trainer', ['trl', 'axolotl', 'llama-factory']],
      [['train', 'launch'], '--engine', ['deepspeed', 'fsdp']],
      [['replay-server'], '--protocol', ['openai-completions', 'openai-chat', 'tgi']],
    ];
    for (const [command, flag, values] of cases) {
      const entry = optionEntry(await helpOf(command), flag);
      expect(entry, `${command.join(' ')} ${flag}`).toContain(`(choices: ${values.map((value) => `"${value}"`).join(', ')}`);
    }
  });

  it('marks the required options, and every command that writes files has --out', async () => {
    const required: Array<[string[], string]> = [
      [['eval'], '--out <dir>'],
      [['data', 'seed'], '--out <dir>'],
      [['data', 'd0'], '--seeds <path>'],
      [['data', 'clean'], '--removed <file>'],
      [['train', 'prepare'], '--tokenizer <path-or-id>'],
      [['train', 'export'], '--trainer <name>'],
      [['train', 'launch'], '--model <path-or-id>'],
      [['replay-server'], '--protocol <name>'],
    ];
    for (const [command, option] of required) {
      expect(optionEntry(await helpOf(command), option), `${command.join(' ')} ${option}`).toMatch(/\(required\)$/);
    }
    expect(optionEntry(await helpOf(['eval']), '--datasets')).not.toContain('(required)');
    for (const command of [['eval'], ['report'], ['data', 'seed'], ['data', 'd0'], ['data', 'd1'], ['data', 'clean'], ['data', 'export'], ['train', 'prepare'], ['train', 'export'], ['train', 'launch']]) {
      expect(await helpOf(command), command.join(' ')).toMatch(/^ {2}--out <(dir|file)>/m);
    }
  });
});
