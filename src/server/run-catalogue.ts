import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RUN_FILES, buildRunReport } from '../eval/index.js';
import { MathcoderError, errorMessage } from '../errors.js';
import { ApiError } from './api-error.js';
import type { RunListItem } from './api-types.js';
import { RunIndex } from './run-index.js';

function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.manifest));
}

/** What changes when a run is written to: its manifest and its results (size and time). */
function runSignature(dir: string): string {
  return [RUN_FILES.manifest, RUN_FILES.results]
    .map((name) => {
      const path = join(dir, name);
      if (!existsSync(path)) return '-';
      const stat = statSync(path);
      return `${stat.size}:${stat.mtimeMs}`;
    })
    .join('|');
}

interface CachedRun {
  readonly signature: string;
  readonly index: Promise<RunIndex>;
}

/**
 * The runs a server shows: folders given on the command line, each a run folder (it has a manifest.json) or a
 * folder of run folders (looked at again on every listing, so runs started later appear). Each run is read and
 * its metrics computed once, then again only when its manifest or results change (a run still being written).
 */
export class RunCatalogue {
  private readonly idByDir = new Map<string, string>();
  private readonly cache = new Map<string, CachedRun>();

  private constructor(private readonly roots: readonly string[]) {}

  /** Checks every folder now, so a typo is an error at start-up rather than an empty list. */
  static open(dirs: readonly string[]): RunCatalogue {
    const roots = dirs.map((dir) => resolve(dir));
    for (const root of roots) {
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new MathcoderError('input', `${root} is not a folder: give run folders (made by mathcoder eval --out DIR)`);
      if (!isRunFolder(root) && !readdirSync(root).some((name) => isRunFolder(join(root, name)))) {
        throw new MathcoderError('input', `${root} is not a run folder: it has no ${RUN_FILES.manifest}, and neither have its subfolders (make one with mathcoder eval --out DIR)`);
      }
    }
    const catalogue = new RunCatalogue(roots);
    catalogue.scan();
    return catalogue;
  }

  /** Run folders in the order given (a folder of runs: its subfolders by name); new ones get the next free id. */
  private scan(): Array<{ id: string; dir: string }> {
    const dirs: string[] = [];
    for (const root of this.roots) {
      if (isRunFolder(root)) dirs.push(root);
      else if (existsSync(root)) {
        for (const name of readdirSync(root).sort()) if (isRunFolder(join(root, name))) dirs.push(join(root, name));
      }
    }
    const taken = new Set(this.idByDir.values());
    for (const dir of dirs) {
      if (this.idByDir.has(dir)) continue;
      const base = basename(dir).replace(/[^A-Za-z0-9._-]+/g, '-') || 'run';
      let id = base;
      for (let suffix = 2; taken.has(id); suffix += 1) id = `${base}-${suffix}`;
      taken.add(id);
      this.idByDir.set(dir, id);
    }
    return [...new Set(dirs)].map((dir) => ({ id: this.idByDir.get(dir)!, dir }));
  }

  get size(): number {
    return this.idByDir.size;
  }

  async list(): Promise<RunListItem[]> {
    return Promise.all(
      this.scan().map(async ({ id, dir }) => {
        try {
          return (await this.load(id, dir)).listItem();
        } catch (error) {
          return { id, dir, model: null, backend: null, createdAt: null, updatedAt: null, rows: 0, datasets: [], error: errorMessage(error) };
        }
      }),
    );
  }

  /** A run by id; 404 when there is none, and the reason when its folder cannot be read. */
  async get(id: string): Promise<RunIndex> {
    let entry = this.scanFor(id);
    if (!entry) {
      entry = this.scan().find((run) => run.id === id);
      if (!entry) throw new ApiError(404, 'no-such-run', `no run "${id}": GET /v1/runs lists the runs this server shows`);
    }
    try {
      return await this.load(entry.id, entry.dir);
    } catch (error) {
      if (error instanceof MathcoderError) throw new ApiError(503, 'run-unreadable', errorMessage(error));
      throw error;
    }
  }

  private scanFor(id: string): { id: string; dir: string } | undefined {
    for (const [dir, known] of this.idByDir) if (known === id) return { id, dir };
    return undefined;
  }

  private load(id: string, dir: string): Promise<RunIndex> {
    const signature = runSignature(dir);
    const cached = this.cache.get(dir);
    if (cached && cached.signature === signature) return cached.index;
    // The metrics `mathcoder report` computes, from the same rows.
    const index = buildRunReport(dir).then(({ run, metrics }) => new RunIndex(id, run, metrics));
    this.cache.set(dir, { signature, index });
    index.catch(() => {
      if (this.cache.get(dir)?.index === index) this.cache.delete(dir);
    });
    return index;
  }
}
