import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RUN_FILES, buildRunReport, groupRunFolders, isRunFolder, shardSubfolders, type RunSource } from '../eval/index.js';
import { MathcoderError, errorMessage } from '../errors.js';
import { ApiError } from './api-error.js';
import type { RunListItem } from './api-types.js';
import { RunIndex } from './run-index.js';

/** What changes when a run is written to: its folders, their manifests and results (size and time). */
function runSignature(source: RunSource): string {
  return source.dirs
    .map((dir) => {
      const files = [RUN_FILES.manifest, RUN_FILES.results].map((name) => {
        const path = join(dir, name);
        if (!existsSync(path)) return '-';
        const stat = statSync(path);
        return `${stat.size}:${stat.mtimeMs}`;
      });
      return `${dir}:${files.join('|')}`;
    })
    .join(';');
}

/** The run folders in a root: the root itself, or its subfolders that are runs and the shard folders inside its other subfolders. */
function runFoldersIn(root: string): string[] {
  if (isRunFolder(root)) return [root];
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .flatMap((dir) => (isRunFolder(dir) ? [dir] : shardSubfolders(dir)));
}

interface CachedRun {
  readonly signature: string;
  readonly index: Promise<RunIndex>;
}

/**
 * The runs a server shows: folders given on the command line, each a run folder (it has a manifest.json) or a
 * folder of run folders (looked at again on every listing, so runs started later appear). The shard folders of a
 * run (eval --shard) that sit in one folder are shown as one run. Each run is read and its metrics computed once,
 * then again only when its manifests or results change (a run still being written).
 */
export class RunCatalogue {
  private readonly idByDir = new Map<string, string>();
  private readonly sourceByDir = new Map<string, RunSource>();
  private readonly cache = new Map<string, CachedRun>();

  private constructor(private readonly roots: readonly string[]) {}

  /** Checks every folder now, so a typo is an error at start-up rather than an empty list. */
  static open(dirs: readonly string[]): RunCatalogue {
    const roots = dirs.map((dir) => resolve(dir));
    for (const root of roots) {
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new MathcoderError('input', `${root} is not a folder: give run folders (made by mathcoder eval --out DIR)`);
      if (runFoldersIn(root).length === 0) {
        throw new MathcoderError('input', `${root} is not a run folder: it has no ${RUN_FILES.manifest}, and neither have its subfolders (make one with mathcoder eval --out DIR)`);
      }
    }
    const catalogue = new RunCatalogue(roots);
    catalogue.scan();
    return catalogue;
  }

  /**
   * Runs in the order given (a folder of runs: its subfolders by name; shards of one run: the folder holding
   * them); new ones get the next free id.
   */
  private scan(): Array<{ id: string; dir: string }> {
    const sources = groupRunFolders([...new Set(this.roots.flatMap(runFoldersIn))]);
    const taken = new Set(this.idByDir.values());
    for (const source of sources) {
      const dir = source.label;
      this.sourceByDir.set(dir, source);
      if (this.idByDir.has(dir)) continue;
      const base = basename(dir).replace(/[^A-Za-z0-9._-]+/g, '-') || 'run';
      let id = base;
      for (let suffix = 2; taken.has(id); suffix += 1) id = `${base}-${suffix}`;
      taken.add(id);
      this.idByDir.set(dir, id);
    }
    return sources.map((source) => ({ id: this.idByDir.get(source.label)!, dir: source.label }));
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
    // The shards of a run may gain a folder (a shard started later): looked for again.
    if (entry && this.sourceByDir.get(entry.dir)?.sharded) entry = this.scan().find((run) => run.id === id);
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
    const source = this.sourceByDir.get(dir) ?? { label: dir, dirs: [dir], sharded: false };
    const signature = runSignature(source);
    const cached = this.cache.get(dir);
    if (cached && cached.signature === signature) return cached.index;
    // The metrics `mathcoder report` computes, from the same rows.
    const index = buildRunReport(source).then(({ run, metrics }) => new RunIndex(id, run, metrics));
    this.cache.set(dir, { signature, index });
    index.catch(() => {
      if (this.cache.get(dir)?.index === index) this.cache.delete(dir);
    });
    return index;
  }
}
