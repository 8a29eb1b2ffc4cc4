import { MathcoderError } from '../errors.js';
import { NO_TRUNCATION, PIPE_TOKEN_PATTERN, neutraliseControlText, type ExecutionPolicy } from './dialect.js';
import type { ParsedBlock, ParsedGeneration } from './parsed-generation.js';
import { appendFrame, framedReader, type RunnerFrame } from './runner-frame.js';
import type { PromptSettings, TrajectorySyntax } from './trajectory-syntax.js';
import type { Block, Conversation, Message, Role } from './types.js';

/**
 * gpt-oss's harmony format with its built-in python tool, through a completions server (openai/harmony
 * `docs/format.md` and `src/encoding.rs`). Messages are `<|start|>{header}<|message|>{content}<|end|>`; the model
 * calls the tool with a message whose header names the recipient `to=python` (on the analysis channel) and ends
 * it with `<|call|>`; the tool answers with `<|start|>python to=assistant<|channel|>analysis<|message|>{output}<|end|>`
 * and the runner opens the next assistant message (`<|start|>assistant`); `<|return|>` ends the answer.
 *
 * A code block is the content of a python-bound message; text blocks keep everything else the model wrote,
 * harmony headers and channels included, so the text reads back exactly.
 */

const START = '<|start|>';
const MESSAGE = '<|message|>';
const END = '<|end|>';
const CALL = '<|call|>';
const RETURN = '<|return|>';
const TERMINATOR = /<\|(end|call|return)\|>/g;
const PYTHON_RECIPIENT = /\bto=python\b/;

/** openai/harmony `src/chat.rs` `ToolNamespaceConfig::python()`: the stateful notebook the models were trained with. */
export const HARMONY_PYTHON_DESCRIPTION =
  'Use this tool to execute Python code in your chain of thought. The code will not be shown to the user. This tool should be used for internal reasoning, but not for code that is intended to be visible to the user (e.g. when creating plots, tables, or files).\n\n' +
  "When you send a message containing Python code to python, it will be executed in a stateful Jupyter notebook environment. python will respond with the output of the execution or time out after 120.0 seconds. The drive at '/mnt/data' can be used to save and persist user files. Internet access for this session is UNKNOWN. Depends on the cluster.";

/**
 * The system message `SystemContent::new().with_python()` renders (harmony `src/encoding.rs`): identity, knowledge
 * cutoff, reasoning effort (harmony's default, medium), the python tool, the valid channels.
 */
export function harmonySystemText(effort: 'low' | 'medium' | 'high' = 'medium'): string {
  return [
    'You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2024-06',
    `Reasoning: ${effort}`,
    `# Tools\n\n## python\n\n${HARMONY_PYTHON_DESCRIPTION}`,
    '# Valid channels: analysis, commentary, final. Channel must be included for every message.',
  ].join('\n\n');
}

/** openai/gpt-oss `gpt_oss/evals/aime_eval.py` `AIME_TEMPLATE`. */
export function harmonyUserText(question: string): string {
  return `\n${question}\nPlease reason step by step, and put your final answer within \\boxed{}.\n`;
}

/** The tool's answer and the next assistant message's start (harmony renders a tool message by its name, ` to=` recipient, channel). */
const HARMONY_FRAME: RunnerFrame = { open: `${START}python to=assistant<|channel|>analysis${MESSAGE}`, close: `${END}${START}assistant`, notice: () => '', trimModelText: false };

const CANONICAL_CALL_HEADER = `${START}assistant<|channel|>analysis to=python code${MESSAGE}`;

/** The model's text as text and code blocks: a python-bound message ended by `<|call|>` (or cut short) is code. */
function harmonyBlocks(text: string): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  let textStart = 0;
  let boundary = 0;
  for (;;) {
    const at = text.indexOf(MESSAGE, boundary);
    if (at < 0) break;
    const start = at + MESSAGE.length;
    const terminator = new RegExp(TERMINATOR.source, 'g');
    terminator.lastIndex = start;
    const found = terminator.exec(text);
    if (PYTHON_RECIPIENT.test(text.slice(boundary, at)) && (found === null || found[0] === CALL)) {
      blocks.push({ type: 'text', content: text.slice(textStart, start), closed: true, typeImplied: true });
      blocks.push({ type: 'code', content: text.slice(start, found ? found.index : text.length), closed: found !== null, typeImplied: false });
      textStart = found ? found.index + CALL.length : text.length;
    }
    if (found === null) break;
    boundary = found.index + found[0].length;
  }
  if (textStart < text.length) blocks.push({ type: 'text', content: text.slice(textStart), closed: true, typeImplied: true });
  return blocks;
}

const { segments, blocks: blocksOf } = framedReader(HARMONY_FRAME, harmonyBlocks);

function parseGeneration(text: string): ParsedGeneration {
  const at = text.indexOf(RETURN);
  if (at < 0) return { blocks: blocksOf(text), endOfMessage: false, strays: [], trailing: '' };
  return { blocks: blocksOf(text.slice(0, at)), endOfMessage: true, strays: [], trailing: text.slice(at + RETURN.length) };
}

const assistantBlocks = (text: string) => [...parseGeneration(text).blocks];

function renderAssistant(blocks: readonly Block[]): string {
  let text = '';
  let executions = 0;
  blocks.forEach((block, index) => {
    if (block.type === 'text') text += block.content;
    else if (block.type === 'execution') text = appendFrame(HARMONY_FRAME, text, block.content, (executions += 1));
    else {
      // A code block read from text follows its header (kept in the text before it); one built otherwise gets the canonical header.
      if (!(index > 0 && blocks[index - 1]!.type === 'text' && blocks[index - 1]!.content.endsWith(MESSAGE))) text += CANONICAL_CALL_HEADER;
      text += block.content + CALL;
    }
  });
  return text;
}

/** Roles as harmony names them: a second system message is the developer message (the instructions). */
function harmonyRole(message: Message, index: number, messages: readonly Message[]): string {
  if (message.role === 'system' && messages.slice(0, index).some((earlier) => earlier.role === 'system')) return 'developer';
  return message.role;
}

function render(conversation: Conversation): string {
  const last = conversation.messages.length - 1;
  return conversation.messages
    .map((message, index, messages) => {
      if (message.role === 'assistant') {
        const body = renderAssistant(message.content);
        const ended = index < last || !conversation.open;
        return `${START}assistant${body}${ended ? RETURN : ''}`;
      }
      return `${START}${harmonyRole(message, index, messages)}${MESSAGE}${message.content.map((block) => block.content).join('')}${END}`;
    })
    .join('');
}

function parse(text: string): Conversation {
  const messages: Message[] = [];
  let position = 0;
  while (position < text.length) {
    if (!text.startsWith(START, position)) throw new MathcoderError('format', `not a harmony conversation: expected <|start|> at character ${position}`);
    const headerStart = position + START.length;
    if (text.startsWith('assistant', headerStart)) {
      let body = text.slice(headerStart + 'assistant'.length);
      const parsed = parseGeneration(body);
      const ended = parsed.endOfMessage && parsed.trailing === '';
      if (ended) body = body.slice(0, body.length - RETURN.length);
      messages.push({ role: 'assistant', content: assistantBlocks(body).map((block) => ({ type: block.type, content: block.content })) });
      return { messages, open: !ended };
    }
    const at = text.indexOf(MESSAGE, headerStart);
    const end = at < 0 ? -1 : text.indexOf(END, at);
    if (at < 0 || end < 0) throw new MathcoderError('format', `not a harmony conversation: the message at character ${position} is not closed`);
    const header = text.slice(headerStart, at);
    const role: Role = header === 'user' ? 'user' : 'system';
    if (!['system', 'developer', 'user'].includes(header)) throw new MathcoderError('format', `not a harmony conversation: unexpected role "${header}" at character ${position}`);
    const content = text.slice(at + MESSAGE.length, end);
    messages.push({ role, content: content === '' ? [] : [{ type: 'text', content }] });
    position = end + END.length;
  }
  return { messages, open: false };
}

const escape = (text: string) => neutraliseControlText(text, PIPE_TOKEN_PATTERN);

const HARMONY_EXECUTION: ExecutionPolicy = {
  state: 'stateful',
  output: 'harmony',
  maxExecutions: null,
  afterBudget: null,
  truncation: NO_TRUNCATION,
  timeoutMs: 120_000,
  skipCodeAfterBoxed: false,
};

const HARMONY_STOPS = [CALL, RETURN, '<|endoftext|>'];

function prompt(question: string, settings: PromptSettings): string {
  const messages: Message[] = [{ role: 'system', content: [{ type: 'text', content: harmonySystemText() }] }];
  if (settings.system !== null) messages.push({ role: 'system', content: [{ type: 'text', content: `# Instructions\n\n${settings.system}` }] });
  messages.push({ role: 'user', content: [{ type: 'text', content: harmonyUserText(escape(question) + settings.querySuffix) }] });
  messages.push({ role: 'assistant', content: [] });
  return render({ messages, open: true });
}

export const HARMONY_SYNTAX: TrajectorySyntax = Object.freeze({
  name: 'harmony',
  render,
  parse,
  renderBlocks: renderAssistant,
  parseGeneration,
  endOfMessage: RETURN,
  stopStrings: HARMONY_STOPS,
  description: {
    name: 'harmony',
    title: 'gpt-oss harmony, python tool',
    sources: [
      'openai/harmony docs/format.md (messages, channels, <|call|>/<|return|>, the python tool) and src/encoding.rs (system message layout, tool message header) and src/chat.rs (python tool text)',
      'openai/gpt-oss gpt_oss/tools/python_docker/docker_tool.py (LocalJupyterSession: stdout and results, stderr and traceback, the [WARN] line, the timeout message) and gpt_oss/evals/aime_eval.py (the user message)',
    ],
    stops: HARMONY_STOPS,
    execution: HARMONY_EXECUTION,
  },
  execution: HARMONY_EXECUTION,
  promptDefaults: { system: null, querySuffix: '' },
  prompt,
  escape,
  stopBelongsToModel: (stop: string) => stop === CALL || stop === RETURN,
  stopEndsBlock: (stop: string) => stop === CALL,
  continuesAfterText: false,
  appendExecution: (transcript: string, output: string, index: number) => appendFrame(HARMONY_FRAME, transcript, output, index),
  assistantBlocks,
  segments,
  program: (code: string) => ({ code }),
});
