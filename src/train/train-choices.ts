/**
 * The choices of training preparation, export and launch, in one module without dependencies (the CLI lists them
 * in its help without loading the tokenizers or the parquet writer).
 */

/**
 * Which tokens carry the loss (SPEC 4.3). `paper`: only what the model writes, i.e. the assistant's text and code
 * blocks with their `<|endofblock|>` and the assistant's final `<|endofmessage|>`; system and user messages, the
 * `<|assistant|>` token and every `<|execution|>…<|endofblock|>` are masked. `all`: the released recipe
 * (mathllm-finetune's SFTTrainer without a collator), every token trained.
 */
export const LOSS_POLICIES = ['paper', 'all'] as const;
export type LossPolicy = (typeof LOSS_POLICIES)[number];

/** A sample longer than the context: dropped, or truncated (counted either way; never split). */
export const TOO_LONG_POLICIES = ['drop', 'truncate'] as const;
export type TooLongPolicy = (typeof TOO_LONG_POLICIES)[number];

/** The trainers `train export` writes data and configs for. */
export const TRAINERS = ['trl', 'axolotl', 'llama-factory'] as const;
export type Trainer = (typeof TRAINERS)[number];

/** The files of a prepared folder (`train prepare --out DIR`). */
export const PACKED_FILES = { jsonl: 'train.jsonl', parquet: 'train.parquet', manifest: 'prepare.json' } as const;
