import { MathcoderError } from '../errors.js';
import { MATHCODER_SYNTAX, TOKENS, renderBlock, renderMessage, type Conversation } from '../format/index.js';
import { LOSS_POLICIES, type LossPolicy } from './train-choices.js';

export { LOSS_POLICIES, type LossPolicy };

/** A stretch of the rendered conversation and whether its tokens are trained. */
export interface LossSpan {
  readonly text: string;
  readonly trained: boolean;
}

/**
 * Cuts the rendered conversation into spans with the format's own renderer (role token, each block, end of
 * message), so that the spans joined are byte for byte MATHCODER_SYNTAX.render(conversation). Every span boundary
 * falls on a special token, where tokenisation restarts, so the spans' tokens are exactly the conversation's tokens.
 */
export function lossSpans(conversation: Conversation, policy: LossPolicy, where: string): LossSpan[] {
  const spans: LossSpan[] = [];
  const last = conversation.messages.length - 1;
  const renderError = (error: unknown): never => {
    throw new MathcoderError('input', `${where}: ${(error as Error).message}`);
  };
  conversation.messages.forEach((message, index) => {
    const isAssistant = message.role === 'assistant';
    spans.push({ text: renderMessage({ role: message.role, content: [] }, false), trained: policy === 'all' });
    for (const block of message.content) {
      let text = '';
      try {
        text = renderBlock(block);
      } catch (error) {
        renderError(error);
      }
      spans.push({ text, trained: policy === 'all' || (isAssistant && block.type !== 'execution') });
    }
    const ended = index < last || !conversation.open;
    if (ended) spans.push({ text: TOKENS.endOfMessage, trained: policy === 'all' || isAssistant });
  });
  const joined = spans.map((span) => span.text).join('');
  if (joined !== MATHCODER_SYNTAX.render(conversation)) {
    throw new MathcoderError('internal', `${where}: the loss spans do not join to the rendered conversation`);
  }
  return spans;
}
