/**
 * The program Qwen2.5-Math's evaluation runs for the latest code block (QwenLM/Qwen2.5-Math
 * `evaluation/trajectory.py`, `text_to_trajectory` and `extract_program(text, last_only=False)` as
 * `evaluation/math_eval.py` calls it on the whole prompt so far): its executor keeps no state between calls, so
 * every earlier program whose output shows no error is run again first, with its `print(` lines removed; of an
 * earlier program that failed only the `import`/`from` lines are kept, put before the first program.
 */

interface TrajectoryItem {
  readonly role: 'rationale' | 'program' | 'output';
  readonly content: string;
}

class InvalidTrajectory extends Error {}

function check(condition: boolean): void {
  if (!condition) throw new InvalidTrajectory();
}

/** `text_to_trajectory`: the text read line by line into rationale, program and output items. */
function textToTrajectory(text: string): TrajectoryItem[] {
  const items: TrajectoryItem[] = [];
  let role: TrajectoryItem['role'] = 'rationale';
  let content = '';
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line === '```python') {
      check(role === 'rationale');
      if (content !== '') items.push({ role, content });
      content = '';
      role = 'program';
    } else if (role === 'program' && line === '```') {
      check(content !== '');
      items.push({ role, content });
      content = '';
      role = 'output';
    } else if (role === 'output' && line.startsWith('```output')) {
      check(content === '');
    } else if (role === 'output' && line === '```') {
      items.push({ role, content });
      content = '';
      role = 'rationale';
    } else {
      content += line;
      if (index < lines.length - 1) content += '\n';
    }
  });
  if (content !== '') items.push({ role, content });
  return items;
}

/** `is_execution_success`: none of these words in the output, lower-cased. */
const FAILURE_WORDS = ['error', 'exception', 'no algorithms', 'cannot', 'nan', '...'];

function isExecutionSuccess(output: string): boolean {
  const lower = output.toLowerCase();
  return FAILURE_WORDS.every((word) => !lower.includes(word));
}

/** The program Qwen2.5-Math runs for the last code block of `text` (the prompt and everything written since). */
export function qwenProgram(text: string): string {
  let items: TrajectoryItem[];
  try {
    items = textToTrajectory(text);
  } catch (error) {
    if (error instanceof InvalidTrajectory) return "raise ValueError('Invalid trajectory')";
    throw error;
  }
  const programs: string[] = [];
  const importLines: string[] = [];
  items.forEach((item, index) => {
    if (item.role !== 'program') return;
    if (index === items.length - 1) {
      programs.push(item.content);
      return;
    }
    const output = items[index + 1]!.content.trim();
    if (isExecutionSuccess(output)) programs.push(item.content);
    else importLines.push(...item.content.split('\n').filter((line) => line.startsWith('import') || line.startsWith('from')));
  });
  if (programs.length === 0) programs.push('');
  if (importLines.length > 0) programs[0] = `${importLines.join('\n')}\n${programs[0]}`;
  for (let index = 0; index < programs.length - 1; index += 1) {
    programs[index] = programs[index]!
      .split('\n')
      .filter((line) => !line.trim().startsWith('print('))
      .join('\n');
  }
  return programs.join('\n');
}
