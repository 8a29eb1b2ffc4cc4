import { TOKENS, renderBlock, type Block, type Conversation } from '../../format/index.js';

/**
 * The MathCoder conversation in the row formats of the trainers users already run, each keeping the loss of
 * SPEC 4.3 (text and code blocks and the final <|endofmessage|> trained; system, user, <|assistant|> and
 * execution blocks masked). Block texts are written with the format's renderer, special tokens included.
 */

function messageText(blocks: readonly Block[]): string {
  return blocks.map(renderBlock).join('');
}

/** TRL: the train_80k row itself; the chat template below renders it and marks the trained spans. */
export function trlRow(conversation: Conversation, id: string): object {
  return { id, messages: conversation.messages.map((message) => ({ role: message.role, content: message.content.map((block) => ({ type: block.type, content: block.content })) })) };
}

/**
 * A chat template that renders train_80k rows byte for byte as the MathCoder renderer does (with the BOS first), with
 * `{% generation %}` around exactly the trained spans, for TRL's `assistant_only_loss=True`.
 */
export const TRL_CHAT_TEMPLATE = [
  '{{- bos_token -}}',
  '{%- for message in messages -%}',
  "{{- '<|' + message['role'] + '|>' -}}",
  '{%- for block in message[\'content\'] -%}',
  "{%- set rendered = '<|' + block['type'] + '|>' + block['content'] + '<|endofblock|>' -%}",
  "{%- if message['role'] == 'assistant' and block['type'] != 'execution' -%}",
  '{%- generation -%}{{- rendered -}}{%- endgeneration -%}',
  '{%- else -%}',
  '{{- rendered -}}',
  '{%- endif -%}',
  '{%- endfor -%}',
  "{%- if message['role'] == 'assistant' -%}",
  "{%- generation -%}{{- '<|endofmessage|>' -}}{%- endgeneration -%}",
  '{%- else -%}',
  "{{- '<|endofmessage|>' -}}",
  '{%- endif -%}',
  '{%- endfor -%}',
  "{%- if add_generation_prompt -%}{{- '<|assistant|>' -}}{%- endif -%}",
].join('');

/**
 * Axolotl: every message's content is its rendered blocks; the assistant's are content parts with `train: false`
 * on execution blocks. Part boundaries fall on special tokens, so no token straddles two parts.
 */
export function axolotlRow(conversation: Conversation, id: string): object {
  return {
    id,
    messages: conversation.messages.map((message) =>
      message.role === 'assistant'
        ? { role: 'assistant', content: message.content.map((block) => ({ type: 'text', text: renderBlock(block), train: block.type !== 'execution' })) }
        : { role: message.role, content: messageText(message.content) },
    ),
  };
}

/** The chat template Axolotl renders with: role token, the content, <|endofmessage|> (its EOT token). */
export const AXOLOTL_CHAT_TEMPLATE =
  "{{- bos_token -}}{%- for message in messages -%}{{- '<|' + message['role'] + '|>' + message['content'] + '<|endofmessage|>' -}}{%- endfor -%}";

/**
 * LLaMA-Factory ShareGPT: the prompt (system and user messages up to `<|assistant|>`) as the human turn, the
 * assistant's text and code blocks before each execution as a function_call turn (trained), each execution as an
 * observation turn (masked), and the last blocks as the gpt turn (trained; the template appends <|endofmessage|>).
 * Returns null for a row that does not end with the assistant's own blocks (an unfinished trajectory).
 */
export function llamaFactoryRow(conversation: Conversation, id: string): object | null {
  const assistant = conversation.messages[conversation.messages.length - 1]!;
  const prompt = conversation.messages
    .slice(0, -1)
    .map((message) => `<|${message.role}|>` + messageText(message.content) + TOKENS.endOfMessage)
    .join('');
  const turns: Array<{ from: string; value: string }> = [{ from: 'human', value: prompt }];
  let pending: Block[] = [];
  for (const block of assistant.content) {
    if (block.type === 'execution') {
      turns.push({ from: 'function_call', value: messageText(pending) }, { from: 'observation', value: renderBlock(block) });
      pending = [];
    } else {
      pending.push(block);
    }
  }
  if (pending.length === 0 || conversation.open || conversation.messages.length !== 3) return null;
  turns.push({ from: 'gpt', value: messageText(pending) });
  return { id, conversations: turns };
}

/** The template LLaMA-Factory needs, registered from Python (its templates are code, not configuration). */
export const LLAMA_FACTORY_TEMPLATE_PY = `"""Registers the "mathcoder" template with LLaMA-Factory. Written by mathcoder train export.

The human turn holds the whole prompt (system and user messages, rendered), function_call turns hold the
assistant's text and code blocks before an execution, observation turns the execution blocks, and the gpt turn the
last blocks; the rendered text is byte for byte MathCoder's format.
"""
from dataclasses import dataclass

from llamafactory.data.formatter import EmptyFormatter, StringFormatter
from llamafactory.data.template import register_template


@dataclass
class BlocksFormatter(StringFormatter):
    """The turn's text as it is (function_call turns are MathCoder blocks, not JSON tool calls)."""

    def apply(self, **kwargs):
        return super().apply(content=kwargs["content"])


register_template(
    name="mathcoder",
    format_prefix=EmptyFormatter(slots=[{"bos_token"}]),
    format_user=BlocksFormatter(slots=["{{content}}<|assistant|>"]),
    format_assistant=BlocksFormatter(slots=["{{content}}<|endofmessage|>"]),
    format_function=BlocksFormatter(slots=["{{content}}"]),
    format_observation=BlocksFormatter(slots=["{{content}}"]),
    stop_words=["<|endofmessage|>"],
)
`;

export const LLAMA_FACTORY_TRAIN_PY = `"""LLaMA-Factory training with the "mathcoder" template: python train_llamafactory.py llamafactory.yaml"""
import mathcoder_template  # noqa: F401  (registers the template)
from llamafactory.train.tuner import run_exp

if __name__ == "__main__":
    run_exp()
`;
