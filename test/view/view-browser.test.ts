import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalRow } from '../../src/eval/index.js';
import { startCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { SIX_TIMES_SEVEN, scriptedTranscript } from '../helpers/tiny-gguf-scripts.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';
import { MATHEMATICS_TRAJECTORIES, MATH_TRAJECTORIES, SVAMP_TRAJECTORIES, makeReplayRun, readRows, temporaryFolder } from '../server/replay-runs.js';
import { launchBrowser, type Browser } from './browser.js';

/** Screenshots of every page the tests visit, for a person to look at (test-output/ is git-ignored). */
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'view');

const temporary = temporaryFolder('mathcoder-view-');
const runsDir = join(temporary.folder, 'runs');
let server: ChildProcess | undefined;
let baseUrl: string;
let browser: Browser;
let page: Page;
const rows: Record<string, EvalRow[]> = {};

const percent = (count: number, total: number) => `${((count / total) * 100).toFixed(1)}%`;

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function open(path: string): Promise<void> {
  await page.goto(new URL(path, baseUrl).href);
}

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, 'dist', 'view', 'index.html'))) throw new Error('the web app is not built: run npm run build first');
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Real runs from the published trajectories: SVAMP, SVAMP cut to one round (its answers flip), MATH, and the
  // first 18 Mathematics problems (products written `4*y`, powers `p**2`, and a row stopped by max_rounds).
  await Promise.all([
    makeReplayRun(join(runsDir, 'svamp'), SVAMP_TRAJECTORIES, 15),
    makeReplayRun(join(runsDir, 'svamp-one-round'), SVAMP_TRAJECTORIES, 15, ['--max-rounds', '1']),
    makeReplayRun(join(runsDir, 'math'), MATH_TRAJECTORIES, 15),
    makeReplayRun(join(runsDir, 'mathematics'), MATHEMATICS_TRAJECTORIES, 18),
  ]);
  for (const name of ['svamp', 'svamp-one-round', 'math', 'mathematics']) rows[name] = readRows(join(runsDir, name));
  const model = join(temporary.folder, 'six-times-seven.gguf');
  writeTinyGguf({ path: model, transcripts: [scriptedTranscript(SIX_TIMES_SEVEN)] });
  const started = await startCli(['view', runsDir, '--model', model, '--port', '0']);
  server = started.child;
  baseUrl = started.firstLine.trim();
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  temporary.remove();
});

describe('mathcoder view in Chromium', () => {
  it('prints its URL and lists the runs', async () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await open('/');
    const list = page.getByTestId('run-list');
    await list.waitFor();
    for (const name of ['math', 'svamp', 'svamp-one-round']) await expect(list.getByRole('link', { name, exact: true }).count()).resolves.toBe(1);
    await screenshot('run-list');
  });

  it('shows a run with the right accuracies for both graders next to the paper, and its charts', async () => {
    const svamp = rows.svamp!;
    const strict = svamp.filter((row) => row.grades.strict.correct).length;
    const compat = svamp.filter((row) => row.grades['mathcoder-compat'].correct).length;
    await open('/runs/svamp');
    await page.getByTestId('accuracy-table').waitFor();
    await expect(page.getByTestId('accuracy-svamp-strict').textContent()).resolves.toBe(`${percent(strict, svamp.length)} (${strict})`);
    await expect(page.getByTestId('accuracy-svamp-mathcoder-compat').textContent()).resolves.toBe(`${percent(compat, svamp.length)} (${compat})`);
    await expect(page.getByTestId('paper-svamp').textContent()).resolves.toBe('70.7%');
    await expect(page.locator('[data-testid=chart-stop-reasons] canvas').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid=chart-rounds] canvas').count()).resolves.toBe(1);
    // One sample per problem: pass@1 is the strict accuracy, with its standard error.
    await expect(page.getByTestId('pass1').textContent()).resolves.toMatch(new RegExp(`^pass@1 ${percent(strict, svamp.length).replace('.', '\\.')} ± [\\d.]+% over ${svamp.length} problems$`));
    await screenshot('run-svamp');

    const math = rows.math!;
    await open('/runs/math');
    await page.getByTestId('accuracy-table').waitFor();
    await expect(page.getByTestId('accuracy-math-strict').textContent()).resolves.toContain(percent(math.filter((row) => row.grades.strict.correct).length, math.length));
    await expect(page.getByTestId('paper-math').textContent()).resolves.toBe('23.3%');
    await expect(page.locator('[data-testid=chart-level] canvas').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid=chart-subject] canvas').count()).resolves.toBe(1);
    await screenshot('run-math');
  });

  it('lists the problems in dataset order, filters them to the wrong answers, and searches them', async () => {
    const svamp = rows.svamp!;
    const wrong = svamp.filter((row) => !row.grades.strict.correct);
    await open('/runs/svamp/problems');
    await expect(page.getByTestId('problem-count').getAttribute('data-total')).resolves.toBe(String(svamp.length));
    // The order of the dataset's file (not the order the pipelines finished in).
    const listed = await page.locator('[data-testid=problem-table] tbody tr').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-key')));
    expect(listed).toEqual(svamp.map((row) => row.key));
    expect(svamp.map((row) => row.index)).toEqual(svamp.map((_, index) => index));
    await page.getByTestId('filter-correct').selectOption('false');
    await page.locator(`[data-testid=problem-count][data-total="${wrong.length}"]`).waitFor();
    await expect(page.locator('[data-testid=problem-table] tbody tr').count()).resolves.toBe(wrong.length);
    const keys = await page.locator('[data-testid=problem-table] tbody tr').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-key')));
    expect(keys).toEqual(wrong.map((row) => row.key));
    expect(new URL(page.url()).searchParams.get('correct')).toBe('false');
    await screenshot('problems-wrong');

    const target = wrong[0]!;
    await page.getByTestId('filter-search').fill(target.id.split('/')[1]!);
    await page.locator('[data-testid=problem-count][data-total="1"]').waitFor();
    await expect(page.locator('[data-testid=problem-table] tbody tr').getAttribute('data-key')).resolves.toBe(target.key);
  });

  it('shows a problem with its code and execution blocks, LaTeX rendered, and moves to the next one with the keyboard', async () => {
    const math = rows.math!;
    const hasFrac = (row: EvalRow) => row.blocks.some((block) => block.type === 'text' && block.content.includes('\\frac'));
    const row = math.find((candidate) => hasFrac(candidate) && candidate.blocks.some((block) => block.execution?.status === 'error')) ?? math.find(hasFrac)!;
    const position = math.indexOf(row);
    await open(`/runs/math/problems/${encodeURIComponent(row.key)}`);
    await page.getByTestId('trajectory').waitFor();
    const codeBlocks = row.blocks.filter((block) => block.type === 'code').length;
    const executions = row.blocks.filter((block) => block.type === 'execution');
    await expect(page.getByTestId('block-code').count()).resolves.toBe(codeBlocks);
    await expect(page.getByTestId('block-execution').count()).resolves.toBe(executions.length);
    await expect(page.locator('[data-testid=block-code] .hljs-built_in, [data-testid=block-code] .hljs-keyword').count()).resolves.toBeGreaterThan(0);
    const failed = executions.filter((block) => block.execution?.status === 'error').length;
    await expect(page.locator('[data-testid=block-execution][data-status=error]').count()).resolves.toBe(failed);
    if (failed > 0) await expect(page.locator('[data-testid=block-execution][data-status=error] .error-line').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('[data-testid=trajectory] .katex').count()).resolves.toBeGreaterThan(0);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toContain('\\frac');
    expect(text).not.toContain('\\boxed');
    await expect(page.getByTestId('problem-position').textContent()).resolves.toBe(`${position + 1} of ${math.length}`);
    // Each verdict names the rule that decided it.
    await expect(page.getByTestId('grade-strict-rule').textContent()).resolves.toContain(row.grades.strict.rule!);
    await screenshot('problem-math');

    await page.keyboard.press('ArrowRight');
    await page.locator(`[data-testid=problem-page][data-key="${math[position + 1]!.key}"]`).waitFor();
    await expect(page.getByTestId('problem-position').textContent()).resolves.toBe(`${position + 2} of ${math.length}`);
    await page.keyboard.press('ArrowLeft');
    await page.locator(`[data-testid=problem-page][data-key="${row.key}"]`).waitFor();
  });

  it('compares two runs: the flips, then one of them side by side', async () => {
    const after = new Map(rows['svamp-one-round']!.map((row) => [row.id, row.grades.strict.correct]));
    const flipped = rows.svamp!.filter((row) => after.has(row.id) && after.get(row.id) !== row.grades.strict.correct);
    expect(flipped.length).toBeGreaterThan(0);
    await open('/compare?a=svamp&b=svamp-one-round');
    await page.getByTestId('flip-count').waitFor();
    await expect(page.getByTestId('flip-count').textContent()).resolves.toBe(String(flipped.length));
    await expect(page.locator('[data-testid=flip-table] tbody tr').count()).resolves.toBe(flipped.length);
    await page.locator('[data-testid=flip-table] tbody tr a').first().click();
    await page.getByTestId('side-by-side').waitFor();
    await expect(page.locator('[data-testid=side-by-side] [data-testid=trajectory]').count()).resolves.toBe(2);
    await expect(page.locator('[data-testid=side-svamp] [data-testid=block-code]').count()).resolves.toBeGreaterThan(0);
    await screenshot('compare');
  });

  it('shows a Mathematics question as text with its math: products and powers stay as written', async () => {
    const row = rows.mathematics!.find((candidate) => /\d\*[a-z]/.test(candidate.question) && candidate.question.includes('**')) ?? rows.mathematics!.find((candidate) => /\d\*[a-z].*\d\*[a-z]/.test(candidate.question))!;
    await open(`/runs/mathematics/problems/${encodeURIComponent(row.key)}`);
    const question = page.getByTestId('question');
    await question.waitFor();
    await expect(question.textContent()).resolves.toBe(row.question.trim());
    await expect(question.locator('em, strong, h1, h2, li').count()).resolves.toBe(0);
    await open('/runs/mathematics/problems');
    await page.locator(`[data-testid=problem-table] tr[data-key="${row.key}"]`).waitFor();
    await expect(page.locator(`[data-testid=problem-table] tr[data-key="${row.key}"] .question-cell em, [data-testid=problem-table] tr[data-key="${row.key}"] .question-cell strong`).count()).resolves.toBe(0);
    await screenshot('problem-mathematics');
  });

  it('shows no answer, not program output, for a row that stopped at max_rounds', async () => {
    const row = rows.mathematics!.find((candidate) => candidate.stop_reason === 'max_rounds' && candidate.blocks.at(-1)?.type !== 'text');
    expect(row, 'the first 18 Mathematics problems include one that ran out of rounds').toBeDefined();
    await open(`/runs/mathematics/problems/${encodeURIComponent(row!.key)}`);
    const panel = page.getByTestId('answer-panel');
    await panel.waitFor();
    await expect(panel.getByTestId('no-answer').count()).resolves.toBe(2);
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('no answer (max_rounds)');
    expect(text).not.toMatch(/Traceback|-{10}|Error\b/);
    await open('/runs/mathematics/problems?stop_reason=max_rounds');
    await page.locator(`[data-testid=problem-table] tr[data-key="${row!.key}"] [data-testid=no-answer]`).waitFor();
    await screenshot('problem-max-rounds');
  });

  it('charts every number of rounds up to the largest, the empty ones too', async () => {
    const counts = rows.mathematics!.map((row) => row.rounds);
    const largest = Math.max(...counts);
    expect(new Set(counts).size, 'some round counts between 1 and the largest are taken by no problem').toBeLessThan(largest);
    await open('/runs/mathematics');
    await page.getByTestId('chart-rounds').waitFor();
    const labels = await page.getByTestId('chart-rounds').getAttribute('data-labels');
    expect(labels).toBe(Array.from({ length: largest }, (_, index) => String(index + 1)).join(','));
  });

  it('says that comparing needs two runs when the server has one', async () => {
    // The server is asked for its runs; here it answers with one of them only.
    await page.route('**/v1/runs', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { runs: Array<{ id: string }> };
      await route.fulfill({ response, json: { ...body, runs: body.runs.filter((run) => run.id === 'svamp') } });
    });
    try {
      await open('/compare');
      await expect(page.getByTestId('compare-needs-two').textContent()).resolves.toMatch(/Comparing needs two runs, and this server shows only one \(svamp\)/);
      await expect(page.getByTestId('compare-a').count()).resolves.toBe(0);
      await screenshot('compare-one-run');
    } finally {
      await page.unroute('**/v1/runs');
    }
  });

  it('streams a live solve from the tiny model in the playground, and re-runs an edited cell', async () => {
    await open('/playground');
    await page.getByTestId('playground-question').fill(SIX_TIMES_SEVEN.question);
    await page.getByTestId('playground-solve').click();
    await page.locator('[data-testid=solve-status][data-status=done]').waitFor();
    await expect(page.getByTestId('playground-answer').textContent()).resolves.toBe('42');
    // Streamed: far more events arrived than the four blocks of the answer.
    const events = Number(await page.getByTestId('solve-status').getAttribute('data-events'));
    expect(events).toBeGreaterThan(3 * SIX_TIMES_SEVEN.blocks.length);
    await expect(page.getByTestId('block-code').textContent()).resolves.toContain('print(6 * 7)');
    await expect(page.locator('[data-testid=block-execution] pre').textContent()).resolves.toBe('42\n');

    await page.getByTestId('edit-code-1').click();
    await page.getByTestId('code-editor-1').fill('answer = 6 * 7\nprint(answer + 1)');
    await page.getByTestId('run-code-1').click();
    await page.getByTestId('rerun-output-1').waitFor();
    await expect(page.locator('[data-testid=rerun-output-1] pre').textContent()).resolves.toBe('43\n');
    await screenshot('playground');
  });
});
