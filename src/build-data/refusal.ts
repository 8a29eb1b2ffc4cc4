/** A model declining the task ("I'm sorry, but I can't help with that.") rather than answering it. */
const REFUSAL = /^\W*(?:i'?m sorry|i am sorry|sorry,|i apologi[sz]e|i can(?:not|'t|’t) (?:help|assist|comply|create|provide|do)|i am unable|i'?m unable|i won'?t|as an ai\b)/i;

export function looksLikeRefusal(text: string): boolean {
  return REFUSAL.test(text.trim());
}
