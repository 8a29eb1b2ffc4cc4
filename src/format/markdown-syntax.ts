import { MathcoderError } from '../errors.js';
import { HEAD_TAIL_400, PIPE_TOKEN_PATTERN, neutraliseControlText, type ExecutionPolicy } from './dialect.js';
import type { ParsedBlock, ParsedGeneration } from './parsed-generation.js';
import { promptConversation, SYSTEM_PROMPTS } from './prompt.js';
import { qwenProgram } from './qwen-program.js';
import { appendFrame, framedReader, type RunnerFrame } from './runner-frame.js';
import { escapeSpecialTokens } from './special-tokens.js';
import type { PromptSettings, SyntaxName, TrajectorySyntax } from './trajectory-syntax.js';
import type { Block, Conversation, Message, Role } from './types.js';

/**
 * The Markdown tool-integrated syntax of ToRA and Qwen2.5-Math: reasoning text, then
 * "```python\n{code}\n```", then the executor's "```output\n{result}\n```". Text blocks keep every
 * character between fences, so rendering a parsed text gives back the same text.
 */

const FENCE_OPEN = /```(python|output)\n/g;
const FENCE_CLOSE = '\n```';

export function renderMarkdownBlock(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.content;
    case 'code':
      return '```python\n' + block.content + FENCE_CLOSE;
    case 'execution':
      return '```output\n' + block.content + FENCE_CLOSE;
  }
}

export function renderMarkdownBlocks(blocks: readonly Block[]): string {
  return blocks.map(renderMarkdownBlock).join('');
}

/** Reads Markdown model text back into text, code and execution blocks. */
export function parseMarkdownBlocks(text: string): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  const pattern = new RegExp(FENCE_OPEN.source, 'g');
  let position = 0;
  while (position <= text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) break;
    if (match.index > position) blocks.push({ type: 'text', content: text.slice(position, match.index), closed: true, typeImplied: true });
    const start = match.index + match[0].length;
    const type = match[1] === 'python' ? 'code' : 'execution';
    const end = text.indexOf(FENCE_CLOSE, start - 1);
    if (end < 0) {
      blocks.push({ type, content: text.slice(start), closed: false, typeImplied: false });
      return blocks;
    }
    blocks.push({ type, content: end < start ? '' : text.slice(start, end), closed: true, typeImplied: false });
    position = end + FENCE_CLOSE.length;
  }
  if (position < text.length) blocks.push({ type: 'text', content: text.slice(position), closed: true, typeImplied: true });
  return blocks;
}

/** How the messages around the assistant's Markdown are written. */
export interface MarkdownTemplate {
  readonly name: 'tora' | 'qwen';
  open(role: Role): string;
  close(role: Role): string;
  /** Splits a whole conversation text at its role markers. */
  readonly rolePattern: RegExp;
  /** What the model writes to end its message ('' where it ends with the EOS token, not text). */
  readonly endOfMessage: string;
  readonly stopStrings: readonly string[];
}

/** ToRA's fine-tuned models: `<|user|>\n{question}\n<|assistant|>\n`, the message ends with EOS. */
export const TORA_TEMPLATE: MarkdownTemplate = {
  name: 'tora',
  open: (role) => `<|${role}|>\n`,
  close: (role) => (role === 'assistant' ? '' : '\n'),
  rolePattern: /<\|(system|user|assistant)\|>\n/g,
  endOfMessage: '',
  stopStrings: ['```output', '</s>'],
};

/** Qwen2.5-Math's ChatML: `<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n`. */
export const QWEN_TEMPLATE: MarkdownTemplate = {
  name: 'qwen',
  open: (role) => `<|im_start|>${role}\n`,
  close: () => '<|im_end|>\n',
  rolePattern: /<\|im_start\|>(system|user|assistant)\n/g,
  endOfMessage: '<|im_end|>\n',
  stopStrings: ['```output', '<|im_end|>', '<|endoftext|>'],
};

/** Qwen2.5-Math's tool-integrated reasoning system prompt. */
export const QWEN_TIR_SYSTEM =
  'Please integrate natural language reasoning with programs to solve the problem above, and put your final answer within \\boxed{}.';

export function renderMarkdownConversation(conversation: Conversation, template: MarkdownTemplate): string {
  const last = conversation.messages.length - 1;
  return conversation.messages
    .map((message, index) => {
      const ended = index < last || !conversation.open;
      return template.open(message.role) + renderMarkdownBlocks(message.content) + (ended ? template.close(message.role) : '');
    })
    .join('');
}

export function parseMarkdownConversation(text: string, template: MarkdownTemplate): Conversation {
  const pattern = new RegExp(template.rolePattern.source, 'g');
  const markers = [...text.matchAll(pattern)];
  if (markers.length === 0 || markers[0]!.index !== 0) {
    throw new MathcoderError('format', `not a ${template.name} conversation: it must start with a role marker`);
  }
  const messages: Message[] = [];
  let open = false;
  markers.forEach((marker, index) => {
    const role = marker[1] as Role;
    const start = marker.index! + marker[0].length;
    const end = index + 1 < markers.length ? markers[index + 1]!.index! : text.length;
    let body = text.slice(start, end);
    const close = template.close(role);
    const isLast = index === markers.length - 1;
    if (close !== '' && body.endsWith(close)) {
      body = body.slice(0, body.length - close.length);
      if (isLast) open = false;
    } else if (!isLast && close !== '') {
      throw new MathcoderError('format', `not a ${template.name} conversation: the ${role} message at character ${marker.index} is not closed`);
    } else if (isLast) {
      open = close !== '';
    }
    const content: Block[] =
      role === 'assistant'
        ? parseMarkdownBlocks(body).map((block) => ({ type: block.type, content: block.content }))
        : body === ''
          ? []
          : [{ type: 'text', content: body }];
    messages.push({ role, content });
  });
  return { messages, open };
}

export function parseMarkdownGeneration(text: string, template: MarkdownTemplate): ParsedGeneration {
  let body = text;
  let trailing = '';
  let endOfMessage = false;
  const end = template.endOfMessage.trim();
  if (end !== '') {
    const at = body.indexOf(end);
    if (at >= 0) {
      trailing = body.slice(at + end.length);
      body = body.slice(0, at);
      endOfMessage = true;
    }
  }
  return { blocks: parseMarkdownBlocks(body), endOfMessage, strays: [], trailing };
}

/**
 * What the runner writes after a Markdown program, as ToRA's and Qwen2.5-Math's inference do
 * (`evaluation/math_eval.py`: `output.rstrip()`, then "\n```output\n{result}\n```\n").
 */
function markdownFrame(notice: (index: number) => string): RunnerFrame {
  return { open: '\n```output\n', close: '\n```\n', notice, trimModelText: true };
}

/** Qwen2.5-Math's `max_func_call = 4`: after the fourth program's output it appends this and stops. */
export const QWEN_MAX_EXECUTIONS = 4;
export const QWEN_LIMIT_NOTICE = '\nReach max function call limit.';

interface MarkdownDialect {
  readonly name: SyntaxName;
  readonly title: string;
  readonly template: MarkdownTemplate;
  readonly sources: readonly string[];
  readonly frame: RunnerFrame;
  readonly escape: (text: string) => string;
  readonly execution: ExecutionPolicy;
  readonly promptDefaults: PromptSettings;
}

function markdownSyntax(dialect: MarkdownDialect): TrajectorySyntax {
  const { template, frame } = dialect;
  const reader = framedReader(frame, parseMarkdownBlocks);
  const render = (conversation: Conversation) => renderMarkdownConversation(conversation, template);
  const endOfMessage = template.endOfMessage.trim();
  /** The blocks up to the end of the message (what follows it is ignored, as parseGeneration does). */
  const assistantBlocks = (text: string) => {
    const at = endOfMessage === '' ? -1 : text.indexOf(endOfMessage);
    return reader.blocks(at < 0 ? text : text.slice(0, at));
  };
  return Object.freeze({
    name: dialect.name,
    render,
    parse: (text: string) => parseMarkdownConversation(text, template),
    renderBlocks: renderMarkdownBlocks,
    parseGeneration: (text: string) => parseMarkdownGeneration(text, template),
    endOfMessage: template.endOfMessage,
    stopStrings: template.stopStrings,
    description: { name: dialect.name, title: dialect.title, sources: dialect.sources, stops: template.stopStrings, execution: dialect.execution },
    execution: dialect.execution,
    promptDefaults: dialect.promptDefaults,
    prompt: (question: string, settings: PromptSettings) => render(promptConversation(dialect.escape(question), { ...settings, bos: true })),
    escape: dialect.escape,
    stopBelongsToModel: (stop: string) => template.endOfMessage !== '' && stop === template.endOfMessage.trim(),
    stopEndsBlock: (stop: string) => stop.startsWith('```'),
    continuesAfterText: false,
    appendExecution: (transcript: string, output: string, index: number) => appendFrame(frame, transcript, output, index),
    assistantBlocks,
    segments: reader.segments,
    program: (code: string, transcript: string) => ({ code: dialect.execution.state === 'rerun-earlier' ? qwenProgram(transcript) : code }),
  });
}

const QWEN_SOURCES = [
  'QwenLM/Qwen2.5-Math README.md ("TIR" system message) and evaluation/math_eval.py (stop words, max_func_call = 4, "Reach max function call limit.", the "boxed" check)',
  'QwenLM/Qwen2.5-Math evaluation/python_executor.py (auto_mode, truncate(s, 400), "Done", "Timeout Error", timeout_length = 5)',
  'QwenLM/Qwen2.5-Math evaluation/trajectory.py (extract_program: earlier programs re-run, print lines removed)',
  'NVIDIA/NeMo-Skills nemo_skills/prompt/config/qwen/math-tir.yaml (the same system message)',
];

function qwenPolicy(state: ExecutionPolicy['state']): ExecutionPolicy {
  return { state, output: 'qwen', maxExecutions: QWEN_MAX_EXECUTIONS, afterBudget: 'stop', truncation: HEAD_TAIL_400, timeoutMs: 5_000, skipCodeAfterBoxed: true };
}

/** ChatML control tokens and the Markdown fence (a printed "```" would end the output block). */
const QWEN_CONTROL_TEXT = new RegExp(`${PIPE_TOKEN_PATTERN.source}|\`\`\``);
const qwenEscape = (text: string) => neutraliseControlText(text, QWEN_CONTROL_TEXT);

export const TORA_SYNTAX = markdownSyntax({
  name: 'tora',
  title: 'ToRA (Markdown fences)',
  template: TORA_TEMPLATE,
  sources: ['microsoft/ToRA src/infer/inference.py and src/utils/python_executor.py (SPEC 2.1)'],
  frame: markdownFrame(() => ''),
  escape: escapeSpecialTokens,
  execution: { state: 'stateful', output: 'tora', maxExecutions: null, afterBudget: null, truncation: HEAD_TAIL_400, timeoutMs: null, skipCodeAfterBoxed: false },
  promptDefaults: { system: SYSTEM_PROMPTS.data, querySuffix: '' },
});

const qwenFrame = markdownFrame((index) => (index === QWEN_MAX_EXECUTIONS ? QWEN_LIMIT_NOTICE : ''));

export const QWEN_SYNTAX = markdownSyntax({
  name: 'qwen',
  title: 'Qwen2.5-Math-Instruct TIR, stateful session',
  template: QWEN_TEMPLATE,
  sources: QWEN_SOURCES,
  frame: qwenFrame,
  escape: qwenEscape,
  execution: qwenPolicy('stateful'),
  promptDefaults: { system: QWEN_TIR_SYSTEM, querySuffix: '' },
});

export const QWEN_STATELESS_SYNTAX = markdownSyntax({
  name: 'qwen-stateless',
  title: 'Qwen2.5-Math-Instruct TIR, earlier programs re-run (as its evaluation)',
  template: QWEN_TEMPLATE,
  sources: QWEN_SOURCES,
  frame: qwenFrame,
  escape: qwenEscape,
  execution: qwenPolicy('rerun-earlier'),
  promptDefaults: { system: QWEN_TIR_SYSTEM, querySuffix: '' },
});
