/**
 * The `python` tool a chat model calls (the openai-chat backend sends it to the server; the Hermes dialect writes
 * it into Qwen's chat template itself), its instructions, and the reply to a call that is not `{"code": "…"}`.
 */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Record<string, unknown>;
}

/** The python tool: one argument, the code to run in the problem's stateful kernel. */
export const PYTHON_TOOL: ToolDefinition = Object.freeze({
  name: 'python',
  description:
    'Runs Python code in a stateful Jupyter kernel (variables persist between calls; sympy and numpy are installed) and returns what it prints, the value of its last expression, or the error.',
  parameters: {
    type: 'object',
    properties: { code: { type: 'string', description: 'The Python code to run.' } },
    required: ['code'],
  },
});

/** The chat model's instructions: the same step-by-step solving, with the python tool in place of code blocks. */
export const PYTHON_TOOL_SYSTEM_PROMPT =
  'Below is a math problem. Please solve it step by step. Write your reasoning, and call the python tool to run code ' +
  'whenever a computation helps: it is a stateful Jupyter kernel, so variables persist between calls, and it returns what ' +
  'the code prints and the value of its last expression. Put your final answer in "\\boxed{}".';

/** What the model reads when a call is not the python tool with `{"code": "..."}`. */
export const BAD_TOOL_CALL = 'Error: the only tool is python, and it takes one argument, {"code": "<Python code>"}.';

/** The code of a python call's arguments (a JSON object text, or an object a template already decoded), or null. */
export function pythonCallCode(argumentsValue: unknown): string | null {
  let value = argumentsValue;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  if (value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') return (value as { code: string }).code;
  return null;
}

/**
 * JSON as Python's `json.dumps` writes it with its default separators (", " and ": ") and `ensure_ascii=False`:
 * how Hugging Face chat templates' `tojson` filter writes tool definitions into a prompt.
 */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}
