import { parsePublishedRow, publishedTrajectory, type PublishedTrajectory } from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';

export interface PublishedCase {
  readonly file: string;
  readonly line: number;
  readonly trajectory: PublishedTrajectory;
}

export function publishedCases(file: string, limit = Infinity): PublishedCase[] {
  return readJsonlSync(file)
    .slice(0, limit)
    .map((line) => ({ file, line: line.lineNumber, trajectory: publishedTrajectory(parsePublishedRow(line.value, `${file}:${line.lineNumber}`)) }));
}

function repeatsCode(trajectory: PublishedTrajectory, times: number): boolean {
  const counts = new Map<string, number>();
  for (const block of trajectory.blocks) if (block.type === 'code') counts.set(block.content.trim(), (counts.get(block.content.trim()) ?? 0) + 1);
  return [...counts.values()].some((count) => count >= times);
}

function hasConsecutiveTexts(trajectory: PublishedTrajectory): boolean {
  return trajectory.blocks.some((block, index) => block.type === 'text' && trajectory.blocks[index + 1]?.type === 'text');
}

export interface VarietyCounts {
  readonly first: number;
  readonly unfinished: number;
  readonly consecutiveTexts: number;
  /** Trajectories that write the same code block three times or more. */
  readonly loops: number;
}

/**
 * A small, varied slice of a published file: its first rows, plus (from the first `scan` rows) unfinished
 * trajectories, ones with consecutive text blocks, and ones that loop.
 */
export function variedCases(file: string, counts: VarietyCounts = { first: 3, unfinished: 1, consecutiveTexts: 1, loops: 1 }, scan = 300): PublishedCase[] {
  const cases = publishedCases(file, scan);
  const chosen = new Set(cases.slice(0, counts.first));
  const pick = (test: (trajectory: PublishedTrajectory) => boolean, count: number) => {
    for (const entry of cases.filter((candidate) => test(candidate.trajectory)).slice(0, count)) chosen.add(entry);
  };
  pick((trajectory) => !trajectory.finished, counts.unfinished);
  pick(hasConsecutiveTexts, counts.consecutiveTexts);
  pick((trajectory) => repeatsCode(trajectory, 3), counts.loops);
  return [...chosen];
}

/** The model-written blocks (text and code) of a trajectory, for comparing a rebuilt one with the published. */
export function modelBlocks(blocks: ReadonlyArray<{ type: string; content: string }>): Array<{ type: string; content: string }> {
  return blocks.filter((block) => block.type !== 'execution').map(({ type, content }) => ({ type, content }));
}
