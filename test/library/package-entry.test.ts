import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

/**
 * The package as a library: `import … from 'mathcoder'` (the package's self-reference, resolved through package.json
 * "exports" to the built dist/index.js, as another project gets it) gives the real surface, and the README's example
 * runs: the sandbox, a model server backend, the solve loop and the graders, end to end.
 */

const SVAMP = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.correct.jsonl');

/** Runs an ES module script with Node in the project's root, where `mathcoder` resolves to the package itself. */
function runModule(source: string, options: { env?: Record<string, string>; nodeArgs?: readonly string[] } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--input-type=module', '-e', source], { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the package's main entry", () => {
  it('points at the built library and its types', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; types: string; exports: { '.': { import: string; types: string } } };
    for (const path of [manifest.main, manifest.types, manifest.exports['.'].import, manifest.exports['.'].types]) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
  });

  it('exports the library surface by name, without loading llama.cpp', async () => {
    const names = ['PythonSandbox', 'createBackend', 'BACKEND_KINDS', 'resolveModelFile', 'startReplayServer', 'solveProblem', 'solveRecord', 'createGraders', 'gradeAnswer', 'loadDataset', 'DATASETS', 'runEval', 'buildRunReport', 'markdownReport', 'buildSeeds', 'runD0', 'runD1', 'cleanRows', 'exportRows', 'prepareTrainingData', 'exportTrainerData', 'launchPlan', 'loadTokenizer', 'startServer', 'MathcoderError'];
    const folder = mkdtempSync(join(tmpdir(), 'mathcoder-library-'));
    try {
      const log = join(folder, 'modules.log');
      const result = await runModule(
        `
        import * as mathcoder from 'mathcoder';
        const names = ${JSON.stringify(names)};
        console.log(JSON.stringify(Object.fromEntries(names.map((name) => [name, typeof mathcoder[name]]))));
      `,
        { nodeArgs: ['--import', join(REPO_ROOT, 'test', 'helpers', 'module-log.mjs')], env: { MATHCODER_MODULE_LOG: log } },
      );
      expect(result.code, result.stderr).toBe(0);
      for (const [name, type] of Object.entries(JSON.parse(result.stdout) as Record<string, string>)) expect(type, name).not.toBe('undefined');
      const loaded = readFileSync(log, 'utf8').split('\n');
      expect(loaded).toContain(pathToFileURL(join(REPO_ROOT, 'dist', 'index.js')).href);
      // node-llama-cpp takes most of a second to import: it is loaded when an embedded model is, not with the library.
      expect(loaded.filter((url) => url.includes('node-llama-cpp'))).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("runs the README's example: a model server, the sandbox, the solve loop and the strict grader", async () => {
    const result = await runModule(`
      import { PythonSandbox, createBackend, createGraders, gradeAnswer, solveProblem, startReplayServer } from 'mathcoder';
      // A stand-in model server replaying a published MathCoder trajectory, over the OpenAI completions protocol.
      const server = await startReplayServer({ files: [${JSON.stringify(SVAMP)}], protocol: 'openai-completions' });
      const [row] = (await import('node:fs')).readFileSync(${JSON.stringify(SVAMP)}, 'utf8').split('\\n');
      const question = JSON.parse(row).messages.find((message) => message.role === 'user').content.map((part) => part.content).join('').trim();
      const sandbox = await PythonSandbox.start();
      const model = await createBackend({ kind: 'openai-completions', baseUrl: server.url, syntax: 'mathcoder', bos: true });
      const result = await solveProblem(question, model, sandbox);
      const [strict] = await gradeAnswer(JSON.parse(row).ground_truth.answer.toString(), result.answer ?? '', [createGraders({ checker: null }).strict]);
      console.log(JSON.stringify({ answer: result.answer, stop: result.stopReason, blocks: result.blocks.map((block) => block.type), correct: strict.verdict.equal }));
      await model.close();
      await sandbox.close();
      await server.close();
    `);
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout.trim()) as { answer: string; stop: string; blocks: string[]; correct: boolean };
    expect(outcome).toMatchObject({ stop: 'finished', correct: true });
    expect(outcome.blocks).toContain('execution');
  });
});
