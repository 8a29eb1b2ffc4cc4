import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getSyntax, parseRecordedTranscript, type SyntaxName } from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

/**
 * `mathcoder eval --backend replay` on recorded transcripts in other dialects: the stand-in server refuses any
 * prompt that departs from the recording (a failed row), so rows that finish with the recorded stop reason and
 * blocks are transcripts rebuilt exactly; the manifest records the dialect's budget, truncation and state.
 */
const folders: string[] = [];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Row {
  status: string;
  stop_reason: string;
  question: string;
  blocks: Array<{ type: string; content: string }>;
  grades: Record<string, { correct: boolean }>;
}

async function evalDialect(name: SyntaxName): Promise<{ rows: Row[]; manifest: Record<string, unknown>; fixture: string }> {
  const fixture = join(REPO_ROOT, 'test', 'fixtures', 'dialects', `gsm8k.${name}.jsonl`);
  const out = mkdtempSync(join(tmpdir(), `mc-eval-${name}-`));
  folders.push(out);
  const run = await runCli(['eval', '--backend', 'replay', '--trajectories', fixture, '--syntax', name, '--data-dir', sharedPath('data'), '--concurrency', '2', '--out', out], {
    timeoutMs: 120_000,
  });
  expect(run.code, run.stderr).toBe(0);
  const rows = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  return { rows, manifest, fixture };
}

describe('mathcoder eval --backend replay in other dialects', () => {
  it('OpenMath-Nemotron: both recordings rebuilt (one stopped by the 8-execution budget), the policy in the manifest', { timeout: 180_000 }, async () => {
    const { rows, manifest, fixture } = await evalDialect('openmath');
    const syntax = getSyntax('openmath');
    const recordings = readJsonlSync(fixture).map((line) => parseRecordedTranscript(line.value, fixture));
    expect(rows).toHaveLength(recordings.length);
    for (const recording of recordings) {
      const row = rows.find((candidate) => candidate.question === recording.question)!;
      expect(row.status).toBe('done');
      const expected = syntax.assistantBlocks(recording.completion.replace(/<\|im_end\|>$/, '')).map((block) => ({ type: block.type, content: block.content }));
      expect(row.blocks.map((block) => ({ type: block.type, content: block.content }))).toEqual(expected);
      expect(row.stop_reason).toBe(recording.completion.endsWith('<|im_end|>') ? 'finished' : 'max_executions');
    }
    expect(rows.find((row) => row.stop_reason === 'finished')!.grades.strict!.correct).toBe(true);
    expect(manifest).toMatchObject({
      config: { solve: { syntax: 'openmath', system: null, querySuffix: '', cellTimeoutMs: 10_000 } },
      dialect: { name: 'openmath', execution: { maxExecutions: 8, afterBudget: 'continue', state: 'stateful', truncation: { kind: 'head', maxChars: 1000, marker: '<output cut>' } } },
    });
  });

  it('gpt-oss harmony: the recording rebuilt, the 120 s cell limit recorded', { timeout: 180_000 }, async () => {
    const { rows, manifest } = await evalDialect('harmony');
    expect(rows.map((row) => [row.status, row.stop_reason, row.grades.strict!.correct])).toEqual([['done', 'finished', true]]);
    expect(rows[0]!.blocks.filter((block) => block.type === 'execution').map((block) => block.content)).toEqual([
      '3.0\n',
      '[WARN] No output available. Use print() to output anything to stdout to receive the output',
      '3 <|\u200breturn|>\nchecked\n',
    ]);
    expect(manifest).toMatchObject({ config: { solve: { syntax: 'harmony', cellTimeoutMs: 120_000 } }, dialect: { name: 'harmony', execution: { state: 'stateful', output: 'harmony' } } });
  });
});
