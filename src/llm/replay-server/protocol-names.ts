/** The protocols the replay server speaks: OpenAI completions as vLLM serves it, OpenAI chat with tools, TGI. */
export const REPLAY_PROTOCOLS = ['openai-completions', 'openai-chat', 'tgi'] as const;
export type ReplayProtocolName = (typeof REPLAY_PROTOCOLS)[number];
