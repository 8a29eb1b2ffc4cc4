/**
 * bench/view: how fast `mathcoder view` is on a large run. It makes real runs from the published trajectories
 * (`mathcoder eval --backend replay`: SVAMP and MATH rows), then a synthetic run of 5,000 rows made of copies of
 * those real rows under new ids, and a 50-row run as the baseline measured in the same session. It starts the
 * built CLI (`mathcoder view`) on both and drives Debian's Chromium with playwright-core, timing (median of
 * several tries, server cache warm):
 * - first render: navigation to the problem list until its rows are on screen, and to the run page until the
 *   accuracy table and charts are;
 * - filter: choosing "wrong" until the list shows the right count, and a text search;
 * - the API alone: GET /v1/runs/:id/problems with a filter, and the first read of a run (index and metrics).
 * Run: npm run build, then node --import tsx bench/view.ts [--rows N] [--tries N]
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { EvalRow } from '../src/eval/index.js';
import { startCli } from '../test/helpers/cli.js';
import { MATH_TRAJECTORIES, SVAMP_TRAJECTORIES, makeReplayRun, readRows, temporaryFolder } from '../test/server/replay-runs.js';
import { launchBrowser } from '../test/view/browser.js';

const argument = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const LARGE = argument('--rows', 5000);
const SMALL = 50;
const TRIES = argument('--tries', 5);

const temporary = temporaryFolder('mathcoder-bench-view-');
const sources = join(temporary.folder, 'sources');

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * A run folder of `count` rows: copies of the real rows under new ids (their verdicts, blocks and timings kept),
 * taken evenly from all of them so that a small run has the same mix of datasets as a large one.
 */
function syntheticRun(dir: string, real: readonly EvalRow[], manifestFrom: string, count: number): EvalRow[] {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(manifestFrom, 'manifest.json'), join(dir, 'manifest.json'));
  const stride = count < real.length ? Math.floor(real.length / count) : 1;
  const rows: EvalRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const source = real[(index * stride) % real.length]!;
    const id = `${source.id}~${Math.floor(index / real.length)}`;
    rows.push({ ...source, id, key: `${id}#0` });
  }
  writeFileSync(join(dir, 'results.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return rows;
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

console.log(`bench/view: making real runs from the published trajectories (SVAMP 100, MATH 50)…`);
await Promise.all([makeReplayRun(join(sources, 'svamp'), SVAMP_TRAJECTORIES, 100), makeReplayRun(join(sources, 'math'), MATH_TRAJECTORIES, 50)]);
const real = [...readRows(join(sources, 'svamp')), ...readRows(join(sources, 'math'))];
const runs = join(temporary.folder, 'runs');
const large = syntheticRun(join(runs, 'large'), real, join(sources, 'svamp'), LARGE);
const small = syntheticRun(join(runs, 'small'), real, join(sources, 'svamp'), SMALL);
const wrongCount = (rows: readonly EvalRow[]) => rows.filter((row) => !row.grades.strict.correct).length;

const { child, firstLine } = await startCli(['view', runs, '--port', '0']);
const url = firstLine.trim();
const browser = await launchBrowser();
try {
  const page: Page = await browser.context.newPage();

  // The first read of each run (parse, index, metrics), then the API with a warm cache.
  const firstRead = { large: await time(() => fetch(new URL('/v1/runs/large', url)).then((response) => response.json())), small: await time(() => fetch(new URL('/v1/runs/small', url)).then((response) => response.json())) };
  const api = async (run: string, query: string) => {
    const times: number[] = [];
    for (let attempt = 0; attempt < TRIES * 4; attempt += 1) times.push(await time(() => fetch(new URL(`/v1/runs/${run}/problems?${query}`, url)).then((response) => response.json())));
    return median(times);
  };

  const problemList = async (run: string) => {
    const times: number[] = [];
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      await page.goto('about:blank');
      times.push(await time(async () => {
        await page.goto(new URL(`/runs/${run}/problems`, url).href);
        await page.locator('[data-testid=problem-table] tbody tr').first().waitFor();
      }));
    }
    return median(times);
  };

  const runPage = async (run: string) => {
    const times: number[] = [];
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      await page.goto('about:blank');
      times.push(await time(async () => {
        await page.goto(new URL(`/runs/${run}`, url).href);
        await page.locator('[data-testid=chart-rounds] canvas').last().waitFor();
        await page.getByTestId('accuracy-table').waitFor();
      }));
    }
    return median(times);
  };

  const filterWrong = async (run: string, rows: readonly EvalRow[]) => {
    const times: number[] = [];
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      await page.goto(new URL(`/runs/${run}/problems`, url).href);
      await page.locator(`[data-testid=problem-count][data-total="${rows.length}"]`).waitFor();
      times.push(await time(async () => {
        await page.getByTestId('filter-correct').selectOption('false');
        await page.locator(`[data-testid=problem-count][data-total="${wrongCount(rows)}"]`).waitFor();
        await page.locator('[data-testid=problem-count][aria-busy=false]').waitFor();
      }));
    }
    return median(times);
  };

  const search = async (run: string, rows: readonly EvalRow[]) => {
    const word = 'strawberries';
    const expected = rows.filter((row) => `${row.id}\n${row.question}\n${row.reference}\n${row.answer ?? ''}\n${row.grades.strict.answer}\n${row.grades['mathcoder-compat'].answer}`.toLowerCase().includes(word)).length;
    const times: number[] = [];
    for (let attempt = 0; attempt < TRIES; attempt += 1) {
      await page.goto(new URL(`/runs/${run}/problems`, url).href);
      await page.locator(`[data-testid=problem-count][data-total="${rows.length}"]`).waitFor();
      // Measured from the last keystroke's debounce (200 ms) on: the time the list takes to answer.
      times.push(await time(async () => {
        await page.getByTestId('filter-search').fill(word);
        await page.locator(`[data-testid=problem-count][data-total="${expected}"]`).waitFor();
      }) - 200);
    }
    return { ms: median(times), expected };
  };

  const results: Array<[string, number, number]> = [];
  results.push(['API first read of the run (index + metrics)', firstRead.large, firstRead.small]);
  results.push(['API problems?correct=false (warm)', await api('large', 'correct=false'), await api('small', 'correct=false')]);
  results.push(['API problems?q=strawberries (warm)', await api('large', 'q=strawberries'), await api('small', 'q=strawberries')]);
  results.push(['page: problem list first render', await problemList('large'), await problemList('small')]);
  results.push(['page: run page (table + charts)', await runPage('large'), await runPage('small')]);
  results.push(['page: filter to wrong answers', await filterWrong('large', large), await filterWrong('small', small)]);
  const searchLarge = await search('large', large);
  const searchSmall = await search('small', small);
  results.push([`page: text search (after the 200 ms debounce)`, searchLarge.ms, searchSmall.ms]);

  console.log(`\n${LARGE} rows (copies of ${real.length} real rows: ${wrongCount(large)} wrong, ${searchLarge.expected} match the search) against ${SMALL} rows; median of ${TRIES} tries, Chromium ${browser.context.browser()?.version() ?? ''}\n`);
  console.log(`${'measure'.padEnd(48)} ${`${LARGE} rows`.padStart(11)} ${`${SMALL} rows`.padStart(9)}  ratio`);
  for (const [name, largeMs, smallMs] of results) {
    console.log(`${name.padEnd(48)} ${`${largeMs.toFixed(1)} ms`.padStart(11)} ${`${smallMs.toFixed(1)} ms`.padStart(9)}  ${(largeMs / smallMs).toFixed(2)}×`);
  }
} finally {
  await browser.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  temporary.remove();
}
