import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MathcoderError, errorMessage } from '../errors.js';
import { currentProcess, isAlive, type ProcessIdentity } from './process-identity.js';

/** What a lock file records: who holds the folder, since when, doing what. */
interface LockRecord extends ProcessIdentity {
  readonly host: string;
  readonly since: string;
  readonly command: string;
}

export const LOCK_FILE = '.lock';

function readRecord(path: string): { text: string; record: LockRecord | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return { text, record: null };
    return { text, record: { pid: value.pid, startTime: value.startTime ?? null, host: value.host, since: String(value.since ?? '?'), command: String(value.command ?? '?') } };
  } catch {
    return { text, record: null };
  }
}

function describe(record: LockRecord): string {
  return `pid ${record.pid}${record.host === hostname() ? '' : ` on ${record.host}`}, ${record.command}, since ${record.since}`;
}

/**
 * An exclusive lock on a folder (a run folder that one process appends to): a file created with O_EXCL that
 * names the holder. A second writer is refused with a message that names the holder; a lock left by a process
 * that has died (SIGKILL, a crash) is taken over. Released by `release()` or when the process exits.
 */
export class FolderLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(
    readonly path: string,
    private readonly text: string,
  ) {
    process.once('exit', this.onExit);
  }

  static acquire(folder: string, command: string): FolderLock {
    const path = join(folder, LOCK_FILE);
    const text = `${JSON.stringify({ ...currentProcess(), host: hostname(), since: new Date().toISOString(), command })}\n`;
    // Written whole under another name, then linked into place: link fails if a lock exists, and a lock is
    // never seen half-written.
    const draft = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(folder, { recursive: true });
      writeFileSync(draft, text);
    } catch (error) {
      throw new MathcoderError('output', `cannot write the run folder ${folder}: ${errorMessage(error)}; choose another --out`);
    }
    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        try {
          linkSync(draft, path);
          return new FolderLock(path, text);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const held = readRecord(path);
        if (held === null) continue; // released meanwhile
        if (held.record !== null && (held.record.host !== hostname() || isAlive(held.record))) {
          const where = held.record.host === hostname() ? 'wait for it to finish' : `remove ${path} if that process is gone`;
          throw new MathcoderError('input', `${folder} is in use by another mathcoder (${describe(held.record)}): ${where}, or choose another --out`);
        }
        takeOver(path, held.text);
      }
      throw new MathcoderError('input', `cannot lock ${folder}: other processes keep taking it; try again`);
    } finally {
      unlinkSync(draft);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    try {
      if (readFileSync(this.path, 'utf8') === this.text) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

/**
 * Moves a dead holder's lock aside. The rename is atomic, so of two processes taking over the same stale lock one
 * gets it; a process that finds it moved a live lock instead (taken over by another meanwhile) puts it back.
 */
function takeOver(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // someone locked it meanwhile: theirs stands
    }
  }
  unlinkSync(aside);
}
