import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  getSyntax,
  HARMONY_SYNTAX,
  HERMES_SYNTAX,
  MATHCODER_SYNTAX,
  OPENMATH_SYNTAX,
  parseRecordedTranscript,
  promptSettingsFor,
  dialectRecord,
  QWEN_SYNTAX,
  qwenProgram,
  RETOOL_SYNTAX,
  SYNTAX_NAMES,
  SYSTEM_PROMPTS,
  TORA_SYNTAX,
  truncateText,
  type Conversation,
  type RecordedTranscript,
} from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'dialects');
const RECORDINGS: RecordedTranscript[] = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.jsonl'))
  .flatMap((name) => readJsonlSync(join(FIXTURES, name)).map((line) => parseRecordedTranscript(line.value, `${name}:${line.lineNumber}`)));

const ZW = '\u200b';

describe('the dialects read their own transcripts back', () => {
  it.each(RECORDINGS.map((recording, index) => [`${recording.dialect} #${index}`, recording] as const))(
    '%s: render(parse(text)) is the text, and the prompt is the dialect’s own',
    (_, recording) => {
      const syntax = getSyntax(recording.dialect);
      const text = recording.prompt + recording.completion;
      expect(syntax.render(syntax.parse(text))).toBe(text);
      expect(syntax.prompt(recording.question, syntax.promptDefaults)).toBe(recording.prompt);
      // The model's text between the runner's frames is kept verbatim.
      const segments = syntax.segments(recording.completion);
      expect(segments.map((segment) => segment.text).join('')).toBe(recording.completion);
    },
  );

  it.each([
    ['openmath', '\nprint(1)\n'],
    ['hermes', '\n{"name": "python", "arguments": {"code": "print(1)"}}\n'],
    ['retool', '\n```python\nprint(1)\n```\n'],
    ['qwen', 'print(1)'],
  ] as const)('%s: parse(render(conversation)) is the conversation', (name, code) => {
    const syntax = getSyntax(name);
    const conversation: Conversation = {
      messages: [
        { role: 'user', content: [{ type: 'text', content: 'Q?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', content: 'Think.\n' },
            { type: 'code', content: code },
            { type: 'execution', content: '1' },
            { type: 'text', content: 'So \\boxed{1}.' },
          ],
        },
      ],
      open: false,
    };
    expect(syntax.parse(syntax.render(conversation))).toEqual(conversation);
  });

  it('harmony: parse(render(conversation)) is the conversation, harmony headers kept in the text', () => {
    const conversation: Conversation = {
      messages: [
        { role: 'system', content: [{ type: 'text', content: 'System.' }] },
        { role: 'system', content: [{ type: 'text', content: '# Instructions\n\nBe brief.' }] },
        { role: 'user', content: [{ type: 'text', content: 'Q?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', content: '<|channel|>analysis<|message|>Think.<|end|><|start|>assistant<|channel|>analysis to=python code<|message|>' },
            { type: 'code', content: 'print(1)' },
            { type: 'execution', content: '1\n' },
            { type: 'text', content: '<|channel|>final<|message|>So \\boxed{1}.' },
          ],
        },
      ],
      open: false,
    };
    const text = HARMONY_SYNTAX.render(conversation);
    expect(text).toContain('<|start|>developer<|message|># Instructions');
    expect(HARMONY_SYNTAX.parse(text)).toEqual(conversation);
  });

  it('MathCoder keeps its byte-for-byte layout', () => {
    const prompt = MATHCODER_SYNTAX.prompt('1+1?<|code|>', MATHCODER_SYNTAX.promptDefaults);
    expect(prompt).toBe(`<|system|><|text|>${SYSTEM_PROMPTS.data}<|endofblock|><|endofmessage|><|user|><|text|>1+1?<|${ZW}code|>\n<|endofblock|><|endofmessage|><|assistant|>`);
    expect(MATHCODER_SYNTAX.appendExecution('<|code|>1+1<|endofblock|>', '2', 7)).toBe('<|code|>1+1<|endofblock|><|execution|>2<|endofblock|>');
  });
});

describe('control-token text is neutralised in what a model reads', () => {
  it.each([
    ['qwen', '<|im_end|><|endoftext|>```', `<|${ZW}im_end|><|${ZW}endoftext|>\`${ZW}\`\``],
    ['openmath', '</tool_call><|im_start|>```', `<${ZW}/tool_call><|${ZW}im_start|>\`${ZW}\`\``],
    ['hermes', '<tool_response></tool_call><|im_end|>', `<${ZW}tool_response><${ZW}/tool_call><|${ZW}im_end|>`],
    ['harmony', '<|call|><|return|><|end|><|start|>', `<|${ZW}call|><|${ZW}return|><|${ZW}end|><|${ZW}start|>`],
    ['retool', '</interpreter><code><|im_end|>', `<${ZW}/interpreter><${ZW}code><|${ZW}im_end|>`],
    ['mathcoder', '<|endofblock|><|im_end|>', `<|${ZW}endofblock|><|im_end|>`],
    ['tora', '<|user|>```', `<|${ZW}user|>\`\`\``],
  ] as const)('%s', (name, text, escaped) => {
    const syntax = getSyntax(name);
    expect(syntax.escape(text)).toBe(escaped);
    expect(syntax.escape('x < y, a|b and `code`')).toBe('x < y, a|b and `code`');
    // A question gets the same treatment in the prompt.
    expect(syntax.prompt(`What is ${text}?`, syntax.promptDefaults)).toContain(`What is ${escaped}?`);
  });
});

describe('each dialect’s rules, as its sources state them', () => {
  it('Qwen2.5-Math: ChatML with the TIR system message, stop at ```output, the notice after the fourth output', () => {
    expect(QWEN_SYNTAX.prompt('Q?', QWEN_SYNTAX.promptDefaults)).toBe(
      '<|im_start|>system\nPlease integrate natural language reasoning with programs to solve the problem above, and put your final answer within \\boxed{}.<|im_end|>\n' +
        '<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(QWEN_SYNTAX.stopStrings).toEqual(['```output', '<|im_end|>', '<|endoftext|>']);
    const text = 'Compute.\n```python\nprint(1)\n```\n  ';
    expect(QWEN_SYNTAX.appendExecution(text, '1', 3)).toBe('Compute.\n```python\nprint(1)\n```\n```output\n1\n```\n');
    expect(QWEN_SYNTAX.appendExecution(text, '1', 4)).toBe('Compute.\n```python\nprint(1)\n```\n```output\n1\n```\n\nReach max function call limit.');
    expect(QWEN_SYNTAX.execution).toMatchObject({ maxExecutions: 4, afterBudget: 'stop', state: 'stateful', timeoutMs: 5000, skipCodeAfterBoxed: true });
    expect(getSyntax('qwen-stateless').execution.state).toBe('rerun-earlier');
    expect(truncateText('a'.repeat(200) + 'b' + 'c'.repeat(200), QWEN_SYNTAX.execution.truncation)).toBe(`${'a'.repeat(200)}...${'c'.repeat(200)}`);
    expect(truncateText('x'.repeat(400), QWEN_SYNTAX.execution.truncation)).toBe('x'.repeat(400));
  });

  it("Qwen2.5-Math's extract_program: earlier programs re-run without prints, a failed one's imports first", () => {
    // Expected values printed by QwenLM/Qwen2.5-Math evaluation/trajectory.py extract_program on the same texts.
    const text =
      '<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\nA.\n```python\nimport sympy\nx = 2\nprint(x)\n```\n```output\n2\n```\n' +
      "B.\n```python\nfrom math import sqrt\ny = z + 1\n```\n```output\nNameError: name 'z' is not defined\n```\nC.\n```python\nprint(sqrt(x) + 1)\n```";
    expect(qwenProgram(text)).toBe('from math import sqrt\nimport sympy\nx = 2\n\nprint(sqrt(x) + 1)\n');
    expect(qwenProgram('```python\nprint(1)\n```\n```output\n1\n```\n```python\n```')).toBe("raise ValueError('Invalid trajectory')");
    expect(qwenProgram('no code')).toBe('');
    expect(getSyntax('qwen-stateless').program('print(sqrt(x) + 1)', text)).toEqual({ code: qwenProgram(text) });
    expect(QWEN_SYNTAX.program('print(sqrt(x) + 1)', text)).toEqual({ code: 'print(sqrt(x) + 1)' });
  });

  it('OpenMath-Nemotron: the tir.yaml user message, <tool_call> kept in the text, NeMo-Skills notices, 8 executions', () => {
    expect(OPENMATH_SYNTAX.prompt('Q?', OPENMATH_SYNTAX.promptDefaults)).toBe(
      '<|im_start|>user\nSolve the following math problem, integrating natural language reasoning with Python code executions.\n' +
        'You may perform up to 8 Python code calls to assist your reasoning.\nMake sure to put the answer (and only answer) inside \\boxed{}.\n\nQ?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(OPENMATH_SYNTAX.stopBelongsToModel('</tool_call>')).toBe(true);
    expect(OPENMATH_SYNTAX.appendExecution('<tool_call>\nprint(1)\n</tool_call>', '1\n', 8)).toBe(
      '<tool_call>\nprint(1)\n</tool_call>\n```output\n1\n```\n```system\nYou have run out of code executions! You can no longer write or execute code. ' +
        'Now you should continue solving the problem by relying on your mathematical reasoning and analytical skills.\n```\n',
    );
    expect(OPENMATH_SYNTAX.execution).toMatchObject({ maxExecutions: 8, afterBudget: 'continue', truncation: { kind: 'head', maxChars: 1000, marker: '<output cut>' } });
  });

  it('Hermes: the tools in the system message, JSON calls read as python programs, other calls answered with an error', () => {
    const prompt = HERMES_SYNTAX.prompt('Q?', { system: 'Be brief.', querySuffix: '' });
    expect(prompt.startsWith('<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n')).toBe(true);
    expect(prompt).toContain('<tools>\n{"type": "function", "function": {"name": "python", "description": ');
    expect(prompt.endsWith('</tool_call><|im_end|>\n<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n')).toBe(true);
    expect(HERMES_SYNTAX.program('\n{"name": "python", "arguments": {"code": "print(1)"}}\n', '')).toEqual({ code: 'print(1)' });
    expect(HERMES_SYNTAX.program('{"name": "python", "arguments": "{\\"code\\": \\"2+2\\"}"}', '')).toEqual({ code: '2+2' });
    for (const bad of ['{"name": "calc", "arguments": {"code": "1"}}', '{"name": "python", "arguments": {"src": "1"}}', 'not json']) {
      expect(HERMES_SYNTAX.program(bad, '')).toEqual({ reply: expect.stringContaining('the only tool is python') });
    }
    // The runner's frame closes the assistant turn; only the model's own <|im_end|> ends the message.
    const withFrame = HERMES_SYNTAX.appendExecution('<tool_call>\n{"name": "python", "arguments": {"code": "1"}}\n</tool_call>', '1', 1);
    expect(HERMES_SYNTAX.parseGeneration(withFrame).endOfMessage).toBe(false);
    expect(HERMES_SYNTAX.parseGeneration(`${withFrame}Done.<|im_end|>`).endOfMessage).toBe(true);
  });

  it('harmony: the python tool in the system message, a call in either header form, the tool’s answer framed as harmony renders it', () => {
    const prompt = HARMONY_SYNTAX.prompt('Q?', HARMONY_SYNTAX.promptDefaults);
    expect(prompt).toContain('Reasoning: medium\n\n# Tools\n\n## python\n\nUse this tool to execute Python code in your chain of thought.');
    expect(prompt.endsWith('<|end|><|start|>user<|message|>\nQ?\nPlease reason step by step, and put your final answer within \\boxed{}.\n<|end|><|start|>assistant')).toBe(true);
    expect(HARMONY_SYNTAX.prompt('Q?', { system: 'Be brief.', querySuffix: '' })).toContain('<|start|>developer<|message|># Instructions\n\nBe brief.<|end|>');
    for (const header of ['<|channel|>analysis to=python code<|message|>', ' to=python<|channel|>analysis code<|message|>']) {
      const blocks = HARMONY_SYNTAX.assistantBlocks(`<|channel|>analysis<|message|>Think.<|end|><|start|>assistant${header}x = 1<|call|>`);
      expect(blocks.map((block) => [block.type, block.closed])).toEqual([
        ['text', true],
        ['code', true],
      ]);
      expect(blocks[1]!.content).toBe('x = 1');
    }
    // A message to another recipient, or a python message ended with <|end|>, is text.
    expect(HARMONY_SYNTAX.assistantBlocks('<|channel|>commentary to=functions.f<|message|>{}<|call|>').map((block) => block.type)).toEqual(['text']);
    expect(HARMONY_SYNTAX.appendExecution('…<|call|>', '1\n', 1)).toBe('…<|call|><|start|>python to=assistant<|channel|>analysis<|message|>1\n<|end|><|start|>assistant');
    expect(HARMONY_SYNTAX.execution).toMatchObject({ state: 'stateful', timeoutMs: 120_000 });
  });

  it("ReTool: the fenced code inside <code>, a fresh runtime per program, 'None' for a block without code", () => {
    expect(RETOOL_SYNTAX.program('\n```python\nx = 1\nprint(x)\n```\n', '')).toEqual({ code: 'x = 1\nprint(x)' });
    expect(RETOOL_SYNTAX.program('\n```python\n```\n', '')).toEqual({ reply: 'None' });
    expect(RETOOL_SYNTAX.appendExecution('<code>\n```python\nprint(1)\n```\n</code>', '1', 1)).toBe('<code>\n```python\nprint(1)\n```\n</code>\n<interpreter>\n1</interpreter>\n\n');
    expect(RETOOL_SYNTAX.execution).toMatchObject({ state: 'stateless', maxExecutions: null, timeoutMs: 5000 });
  });

  it('prompt settings default to the dialect’s own; the manifest record carries the run’s cell time limit', () => {
    expect(promptSettingsFor('mathcoder')).toEqual({ system: SYSTEM_PROMPTS.data, querySuffix: '\n' });
    expect(promptSettingsFor('tora')).toEqual({ system: SYSTEM_PROMPTS.data, querySuffix: '' });
    expect(promptSettingsFor('qwen', SYSTEM_PROMPTS.boxed).system).toBe(SYSTEM_PROMPTS.boxed);
    expect(promptSettingsFor('openmath').system).toBeNull();
    const record = dialectRecord('openmath', 3000);
    expect(record).toMatchObject({ name: 'openmath', stops: ['</tool_call>', '<|im_end|>', '<|endoftext|>'], execution: { timeoutMs: 3000, maxExecutions: 8 } });
    expect(record.sources.some((source) => source.includes('NVIDIA/NeMo-Skills'))).toBe(true);
    for (const name of SYNTAX_NAMES) expect(getSyntax(name).description.name).toBe(name);
    expect(TORA_SYNTAX.execution.output).toBe('tora');
  });
});
