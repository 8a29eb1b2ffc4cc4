import { PIPE_TOKEN_PATTERN, HEAD_TAIL_400, neutraliseControlText, NO_TRUNCATION, type ExecutionPolicy } from './dialect.js';
import { parseMarkdownConversation, QWEN_TEMPLATE } from './markdown-syntax.js';
import type { ParsedBlock, ParsedGeneration } from './parsed-generation.js';
import { BAD_TOOL_CALL, PYTHON_TOOL, PYTHON_TOOL_SYSTEM_PROMPT, pythonCallCode, pythonJson } from './python-tool.js';
import { appendFrame, framedReader, type RunnerFrame } from './runner-frame.js';
import type { ProgramRequest, PromptSettings, SyntaxName, TrajectorySyntax } from './trajectory-syntax.js';
import type { Block, Conversation, Message } from './types.js';

/**
 * Dialects whose code is wrapped in tags inside a ChatML (Qwen) conversation: OpenMath-Nemotron's
 * `<tool_call>…</tool_call>` with "```output" results (NeMo-Skills), Hermes-style JSON tool calls answered by
 * `<tool_response>` turns (Qwen2.5/Qwen3 chat templates), and ReTool's `<code>…</code>` with `<interpreter>`
 * results. A code block holds the text between its tags as the model wrote it; the runner extracts the program
 * from it as the dialect's own runner does.
 */

const IM_START = '<|im_start|>';
const IM_END = '<|im_end|>';
const ASSISTANT_MARKER = `${IM_START}assistant\n`;
const CHATML_STOPS = [IM_END, '<|endoftext|>'];

/** Qwen2.5-Instruct's chat template writes this system message when a conversation has none. */
export const QWEN25_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

interface TaggedDialect {
  readonly name: SyntaxName;
  readonly title: string;
  readonly sources: readonly string[];
  readonly codeOpen: string;
  readonly codeClose: string;
  readonly frame: RunnerFrame;
  /** Control-token text neutralised in what the model reads. */
  readonly control: RegExp;
  readonly execution: ExecutionPolicy;
  readonly promptDefaults: PromptSettings;
  /** The system message's text (null: none), from the caller's system text. */
  systemText(system: string | null): string | null;
  /** The user message's text, from the question (already neutralised) with its suffix. */
  userText(question: string): string;
  program(code: string): ProgramRequest;
}

/** Text and code blocks of model text: the text between `open` and `close` is a code block. */
function parseTags(text: string, open: string, close: string): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  let position = 0;
  for (;;) {
    const at = text.indexOf(open, position);
    if (at < 0) break;
    if (at > position) blocks.push({ type: 'text', content: text.slice(position, at), closed: true, typeImplied: true });
    const start = at + open.length;
    const end = text.indexOf(close, start);
    if (end < 0) {
      blocks.push({ type: 'code', content: text.slice(start), closed: false, typeImplied: false });
      return blocks;
    }
    blocks.push({ type: 'code', content: text.slice(start, end), closed: true, typeImplied: false });
    position = end + close.length;
  }
  if (position < text.length) blocks.push({ type: 'text', content: text.slice(position), closed: true, typeImplied: true });
  return blocks;
}

function taggedSyntax(dialect: TaggedDialect): TrajectorySyntax {
  const { codeOpen, codeClose, frame } = dialect;
  const stopStrings = [codeClose, ...CHATML_STOPS];
  const escape = (text: string) => neutraliseControlText(text, dialect.control);
  const { segments, blocks: blocksOf } = framedReader(frame, (text) => parseTags(text, codeOpen, codeClose));

  /** The end of the message: `<|im_end|>` in the model's own text (the Hermes runner writes one in its frames). */
  const parseGeneration = (text: string): ParsedGeneration => {
    let offset = 0;
    for (const segment of segments(text)) {
      const at = segment.kind === 'model' ? segment.text.indexOf(IM_END) : -1;
      if (at >= 0) {
        const end = offset + at;
        return { blocks: blocksOf(text.slice(0, end)), endOfMessage: true, strays: [], trailing: text.slice(end + IM_END.length) };
      }
      offset += segment.text.length;
    }
    return { blocks: blocksOf(text), endOfMessage: false, strays: [], trailing: '' };
  };
  const assistantBlocks = (text: string) => [...parseGeneration(text).blocks];

  const renderAssistant = (blocks: readonly Block[]): string => {
    let text = '';
    let executions = 0;
    for (const block of blocks) {
      if (block.type === 'text') text += block.content;
      else if (block.type === 'code') text += codeOpen + block.content + codeClose;
      else text = appendFrame(frame, text, block.content, (executions += 1));
    }
    return text;
  };

  const render = (conversation: Conversation): string => {
    const last = conversation.messages.length - 1;
    return conversation.messages
      .map((message, index) => {
        const ended = index < last || !conversation.open;
        const body = message.role === 'assistant' ? renderAssistant(message.content) : message.content.map((block) => block.content).join('');
        return `${IM_START}${message.role}\n${body}${ended ? `${IM_END}\n` : ''}`;
      })
      .join('');
  };

  const parse = (text: string): Conversation => {
    const at = text.indexOf(ASSISTANT_MARKER);
    if (at < 0) return parseMarkdownConversation(text, QWEN_TEMPLATE);
    const header = at === 0 ? { messages: [] } : parseMarkdownConversation(text.slice(0, at), QWEN_TEMPLATE);
    const body = text.slice(at + ASSISTANT_MARKER.length);
    const parsed = parseGeneration(body);
    // An ended message is closed as render closes it; anything else stays open, its text kept whole.
    const ended = parsed.endOfMessage && parsed.trailing === '\n';
    const blocks = ended ? parsed.blocks : blocksOf(body);
    const assistant: Message = { role: 'assistant', content: blocks.map((block) => ({ type: block.type, content: block.content })) };
    return { messages: [...header.messages, assistant], open: !ended };
  };

  const promptConversation = (question: string, settings: PromptSettings): Conversation => {
    const system = dialect.systemText(settings.system);
    const messages: Message[] = [];
    if (system !== null) messages.push({ role: 'system', content: [{ type: 'text', content: system }] });
    messages.push({ role: 'user', content: [{ type: 'text', content: dialect.userText(escape(question) + settings.querySuffix) }] });
    messages.push({ role: 'assistant', content: [] });
    return { messages, open: true };
  };

  return Object.freeze({
    name: dialect.name,
    render,
    parse,
    renderBlocks: renderAssistant,
    parseGeneration,
    endOfMessage: `${IM_END}\n`,
    stopStrings,
    description: { name: dialect.name, title: dialect.title, sources: dialect.sources, stops: stopStrings, execution: dialect.execution },
    execution: dialect.execution,
    promptDefaults: dialect.promptDefaults,
    prompt: (question: string, settings: PromptSettings) => render(promptConversation(question, settings)),
    escape,
    stopBelongsToModel: (stop: string) => stop === codeClose || stop === IM_END,
    stopEndsBlock: (stop: string) => stop === codeClose,
    continuesAfterText: false,
    appendExecution: (transcript: string, output: string, index: number) => appendFrame(frame, transcript, output, index),
    assistantBlocks,
    segments,
    program: (code: string) => dialect.program(code),
  });
}

/** NeMo-Skills `code_execution/utils.py` `format_code_output`: the notice after the n-th of `budget` executions. */
export function remainingExecutionsNotice(remaining: number): string {
  if (remaining > 0) {
    return (
      '```system\n' +
      `Remaining code executions: ${remaining}. ` +
      'You will not be able to call code when you run out of executions, so use it wisely. ' +
      'Note that you can still continue solving the problem without code after that.\n' +
      '```\n'
    );
  }
  return (
    '```system\n' +
    'You have run out of code executions! You can no longer write or execute code. ' +
    'Now you should continue solving the problem by relying on your mathematical reasoning and analytical skills.\n' +
    '```\n'
  );
}

/** NeMo-Skills `CodeExecutionConfig.max_code_executions` and `total_code_executions_in_prompt` for OpenMath-Nemotron. */
export const OPENMATH_MAX_EXECUTIONS = 8;

/** NeMo-Skills `nemo_skills/prompt/config/openmath/tir.yaml` (`user`, with `{{}}` as Python's format writes it). */
export function openMathUserText(problem: string, executions = OPENMATH_MAX_EXECUTIONS): string {
  return (
    'Solve the following math problem, integrating natural language reasoning with Python code executions.\n' +
    `You may perform up to ${executions} Python code calls to assist your reasoning.\n` +
    'Make sure to put the answer (and only answer) inside \\boxed{}.\n\n' +
    problem
  );
}

export const OPENMATH_SYNTAX = taggedSyntax({
  name: 'openmath',
  title: 'OpenMath-Nemotron TIR (NeMo-Skills)',
  sources: [
    'NVIDIA/NeMo-Skills nemo_skills/prompt/code_tags/openmath.yaml (<tool_call> tags, "\\n```output\\n" … "```\\n", code_output_format qwen)',
    'NVIDIA/NeMo-Skills nemo_skills/prompt/config/openmath/tir.yaml (the user message) and docs/releases/openmathreasoning/evaluation.md (add_remaining_code_executions, 8 executions)',
    'NVIDIA/NeMo-Skills nemo_skills/code_execution/utils.py (format_code_output, the ```system notices) and nemo_skills/inference/model/code_execution.py (the loop, max_code_executions = 8, max_code_output_characters = 1000, timeout 10 s)',
    'NVIDIA/NeMo-Skills nemo_skills/code_execution/local_sandbox/local_sandbox_server.py (stdout/stderr post-processing, the <output cut> cut, timeout messages)',
  ],
  codeOpen: '<tool_call>',
  codeClose: '</tool_call>',
  frame: { open: '\n```output\n', close: '```\n', notice: (index) => remainingExecutionsNotice(OPENMATH_MAX_EXECUTIONS - index), trimModelText: false },
  control: new RegExp(`${PIPE_TOKEN_PATTERN.source}|</?tool_call>|\`\`\``),
  execution: {
    state: 'stateful',
    output: 'nemo',
    maxExecutions: OPENMATH_MAX_EXECUTIONS,
    afterBudget: 'continue',
    truncation: { kind: 'head', maxChars: 1000, marker: '<output cut>' },
    timeoutMs: 10_000,
    skipCodeAfterBoxed: false,
  },
  promptDefaults: { system: null, querySuffix: '' },
  systemText: (system) => system,
  userText: (question) => openMathUserText(question),
  program: (code) => ({ code }),
});

/** The system message Qwen2.5's chat template writes when tools are offered (`tojson` of each tool). */
export function hermesSystemText(system: string | null): string {
  const tool = { type: 'function', function: { name: PYTHON_TOOL.name, description: PYTHON_TOOL.description, parameters: PYTHON_TOOL.parameters } };
  return (
    `${system ?? QWEN25_DEFAULT_SYSTEM}\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n` +
    `You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n${pythonJson(tool)}\n</tools>\n\n` +
    'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n' +
    '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
  );
}

function hermesProgram(call: string): ProgramRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.trim()) as unknown;
  } catch {
    return { reply: BAD_TOOL_CALL };
  }
  const { name, arguments: args } = (parsed ?? {}) as { name?: unknown; arguments?: unknown };
  const code = name === PYTHON_TOOL.name ? pythonCallCode(args) : null;
  return code === null ? { reply: BAD_TOOL_CALL } : { code };
}

export const HERMES_SYNTAX = taggedSyntax({
  name: 'hermes',
  title: 'Hermes-style tool calls in a completion (Qwen2.5/Qwen3 chat template)',
  sources: [
    "Qwen2.5-Instruct tokenizer_config.json chat_template (tools in the system message, '\\n<tool_call>\\n{\"name\": …, \"arguments\": …}\\n</tool_call>', tool results as '<|im_start|>user\\n<tool_response>\\n…\\n</tool_response><|im_end|>\\n'), as copied in public repositories found with the code search",
    "this project's python tool (src/format/python-tool.ts) and MathCoder-style output, as the openai-chat backend uses them",
  ],
  codeOpen: '<tool_call>',
  codeClose: '</tool_call>',
  frame: { open: `${IM_END}\n${IM_START}user\n<tool_response>\n`, close: `\n</tool_response>${IM_END}\n${ASSISTANT_MARKER}`, notice: () => '', trimModelText: false },
  control: new RegExp(`${PIPE_TOKEN_PATTERN.source}|</?tool_call>|</?tool_response>`),
  execution: { state: 'stateful', output: 'mathcoder', maxExecutions: null, afterBudget: null, truncation: NO_TRUNCATION, timeoutMs: null, skipCodeAfterBoxed: false },
  promptDefaults: { system: PYTHON_TOOL_SYSTEM_PROMPT, querySuffix: '' },
  systemText: hermesSystemText,
  userText: (question) => question,
  program: hermesProgram,
});

/** ReTool-RL/ReTool `evaluation/prompt_template.json` (`retool`, with `{{`/`}}` as Python's format writes them). */
export function retoolUserText(query: string): string {
  return (
    'Solve the following problem step by step. You now have the ability to selectively write executable Python code to enhance your reasoning process. ' +
    'The Python code will be executed by an external sandbox, and the output (wrapped in `<interpreter>output_str</interpreter>`) can be returned to aid your reasoning and help you arrive at the final answer. ' +
    'The Python code should be complete scripts, including necessary imports. \n' +
    'Each code snippet is wrapped with `<code>\n```python\ncode snippet\n```\n</code>`.\n' +
    'The last part of your response should be in the following format:\n<answer>\n\\boxed{\'The final answer goes here.\'}\n</answer>\n\n' +
    '*user question:*\nAnswer the following Math Problem and put the answer in the format of \\boxed{answer}\n\n' +
    `${query}\n\n\n` +
    "Remember to place the final answer in the last part using the format: \n<answer>\n\\boxed{'The final answer goes here.'}\n</answer>"
  );
}

/** ReTool `evaluation/eval.py`: `pred.split("```python")[-1].replace("```", "").strip()`; no code → "None". */
function retoolProgram(block: string): ProgramRequest {
  const code = (block.split('```python').at(-1) ?? '').replaceAll('```', '').trim();
  return code === '' ? { reply: 'None' } : { code };
}

export const RETOOL_SYNTAX = taggedSyntax({
  name: 'retool',
  title: 'ReTool (<code> / <interpreter>)',
  sources: [
    'ReTool-RL/ReTool evaluation/prompt_template.json (the retool prompt, sent as the only user message)',
    'ReTool-RL/ReTool evaluation/eval.py (stop at </code>, "</code>\\n<interpreter>\\n…</interpreter>\\n\\n", no execution limit) and evaluation/executor.py (stdout, else the last line evaluated; truncate(s, 400); timeout_length = 5; a fresh runtime per program)',
  ],
  codeOpen: '<code>',
  codeClose: '</code>',
  frame: { open: '\n<interpreter>\n', close: '</interpreter>\n\n', notice: () => '', trimModelText: false },
  control: new RegExp(`${PIPE_TOKEN_PATTERN.source}|</?code>|</?interpreter>`),
  execution: { state: 'stateless', output: 'retool', maxExecutions: null, afterBudget: null, truncation: HEAD_TAIL_400, timeoutMs: 5_000, skipCodeAfterBoxed: false },
  promptDefaults: { system: QWEN25_DEFAULT_SYSTEM, querySuffix: '' },
  systemText: (system) => system,
  userText: retoolUserText,
  program: retoolProgram,
});
