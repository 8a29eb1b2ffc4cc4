import type { ParsedBlock } from './parsed-generation.js';

/**
 * The text a runner writes into a trajectory after a program: the output between an opening and a closing
 * string, and, in some dialects, a notice that depends on how many programs have run (NeMo-Skills' "Remaining
 * code executions: N", Qwen2.5-Math's "Reach max function call limit."). The solve loop appends frames and the
 * replay server finds them again, so both write exactly the same bytes.
 */
export interface RunnerFrame {
  readonly open: string;
  readonly close: string;
  /** What follows the frame of the `index`-th (1-based) execution; '' for nothing. */
  notice(index: number): string;
  /** The model's trailing white space is removed before the frame (ToRA and Qwen2.5-Math: `output.rstrip()`). */
  readonly trimModelText: boolean;
}

/** A piece of an assistant message: text the model wrote, or a frame the runner wrote around an output. */
export type AssistantSegment =
  | { readonly kind: 'model'; readonly text: string }
  | { readonly kind: 'runner'; readonly output: string; readonly index: number; readonly text: string };

export function appendFrame(frame: RunnerFrame, transcript: string, output: string, index: number): string {
  const base = frame.trimModelText ? transcript.trimEnd() : transcript;
  return base + frame.open + output + frame.close + frame.notice(index);
}

/**
 * Splits an assistant message at its runner frames. A frame only counts where it follows a finished program
 * (`endsWithProgram` of the text before it), so model text that happens to look like a frame stays model text.
 */
export function splitFrames(frame: RunnerFrame, text: string, endsWithProgram: (before: string) => boolean): AssistantSegment[] {
  const segments: AssistantSegment[] = [];
  let position = 0;
  let index = 0;
  let search = 0;
  for (;;) {
    const at = text.indexOf(frame.open, search);
    if (at < 0) break;
    search = at + 1;
    if (!endsWithProgram(text.slice(0, at))) continue;
    const start = at + frame.open.length;
    const end = text.indexOf(frame.close, start);
    if (end < 0) break;
    index += 1;
    let after = end + frame.close.length;
    const notice = frame.notice(index);
    if (notice !== '' && text.startsWith(notice, after)) after += notice.length;
    if (at > position) segments.push({ kind: 'model', text: text.slice(position, at) });
    segments.push({ kind: 'runner', output: text.slice(start, end), index, text: text.slice(at, after) });
    position = after;
    search = after;
  }
  if (position < text.length) segments.push({ kind: 'model', text: text.slice(position) });
  return segments;
}

/**
 * Reads an assistant message through a dialect's frame: `segments` splits it at the runner's frames (each after a
 * finished program, as `parseModel` reads the model's text), `blocks` gives the model text's blocks with each
 * frame's output as an execution block.
 */
export function framedReader(frame: RunnerFrame, parseModel: (text: string) => ParsedBlock[]) {
  const endsWithProgram = (before: string) => {
    const last = parseModel(before)
      .filter((block) => block.type !== 'text' || block.content.trim() !== '')
      .at(-1);
    return last?.type === 'code' && last.closed;
  };
  const segments = (text: string) => splitFrames(frame, text, endsWithProgram);
  const blocks = (text: string) =>
    segments(text).flatMap((segment): ParsedBlock[] =>
      segment.kind === 'model' ? parseModel(segment.text) : [{ type: 'execution', content: segment.output, closed: true, typeImplied: false }],
    );
  return { segments, blocks };
}
