import { readFileSync } from 'node:fs';

/**
 * A process named so that it cannot be mistaken for a later one with the same pid: its pid and its start time
 * (clock ticks since boot, /proc/PID/stat field 22). Lock files and sandbox folders record it, so that what a
 * dead process left behind can be recognised and taken over or removed.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** null where /proc is not available (the pid alone is then trusted). */
  readonly startTime: number | null;
}

export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count the fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/** Whether the process is still running (and is the same process, not a later one given the same pid). */
export function isAlive(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (identity.startTime === null) return true;
  const now = processStartTime(identity.pid);
  return now === null || now === identity.startTime;
}

/** Reads a recorded identity ({"pid", "startTime"}), or null when the text is not one. */
export function parseIdentity(text: string): ProcessIdentity | null {
  try {
    const value = JSON.parse(text) as { pid?: unknown; startTime?: unknown };
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return null;
    return { pid: value.pid, startTime: typeof value.startTime === 'number' ? value.startTime : null };
  } catch {
    return null;
  }
}
