import type { Hono } from 'hono';
import { flips } from '../eval/index.js';
import { GRADER_NAMES, type GraderName } from '../grade/types.js';
import { ApiError } from './api-error.js';
import type { CompareResult, ProblemDetail, ProblemPage, RunDetail, RunListItem } from './api-types.js';
import { parseProblemQuery } from './problem-filter.js';
import type { RunCatalogue } from './run-catalogue.js';

/** GET /v1/runs, /v1/runs/:run, /v1/runs/:run/problems[/:key] and /v1/compare: what eval wrote, as JSON. */
export function addRunRoutes(app: Hono, runs: RunCatalogue): void {
  app.get('/v1/runs', async (c) => c.json<{ runs: RunListItem[] }>({ runs: await runs.list() }));

  app.get('/v1/runs/:run', async (c) => c.json<RunDetail>((await runs.get(c.req.param('run'))).detail()));

  app.get('/v1/runs/:run/problems', async (c) => {
    const { filter, page } = parseProblemQuery(c.req.query(), { paging: true });
    const index = await runs.get(c.req.param('run'));
    return c.json<ProblemPage>(index.problems(filter, page));
  });

  // A key holds `/` and `#` (`svamp/chal-12#0`): sent URL-encoded, matched to the end of the path.
  app.get('/v1/runs/:run/problems/:key{.+}', async (c) => {
    const { filter } = parseProblemQuery(c.req.query(), { paging: false });
    const index = await runs.get(c.req.param('run'));
    const key = c.req.param('key');
    const detail = index.problem(key, filter);
    if (!detail) throw new ApiError(404, 'no-such-problem', `run "${index.id}" has no problem ${key} (keys look like ${index.rows()[0]?.key ?? 'dataset/id#0'})`);
    return c.json<ProblemDetail>(detail);
  });

  app.get('/v1/compare', async (c) => {
    const { a, b, grader = 'strict', ...rest } = c.req.query();
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new ApiError(400, 'bad-query', `unknown query parameter ${unknown.join(', ')}: compare takes a, b and grader`);
    if (!a || !b) throw new ApiError(400, 'bad-query', 'compare needs two runs: /v1/compare?a=RUN&b=RUN');
    if (!GRADER_NAMES.includes(grader as GraderName)) throw new ApiError(400, 'bad-query', `query parameter grader must be one of ${GRADER_NAMES.join(', ')}`);
    const [before, after] = await Promise.all([runs.get(a), runs.get(b)]);
    const firstSamples = new Set(before.rows().filter((row) => row.sample === 0 && row.status === 'done').map((row) => row.id));
    const common = after.rows().filter((row) => row.sample === 0 && row.status === 'done' && firstSamples.has(row.id)).length;
    return c.json<CompareResult>({
      a: before.listItem(),
      b: after.listItem(),
      grader: grader as GraderName,
      common,
      flips: flips(before.rows(), after.rows(), grader as GraderName),
    });
  });
}
