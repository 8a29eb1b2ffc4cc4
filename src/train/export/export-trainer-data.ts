import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MathcoderError } from '../../errors.js';
import type { TextTokenizer } from '../../tokenizer/index.js';
import { readJsonl } from '../../util/jsonl.js';
import { JsonlRowSink } from '../packed-writers.js';
import { PAPER_HYPERPARAMETERS } from '../launch-plan.js';
import { readTrainingRow } from '../training-row.js';
import {
  AXOLOTL_CHAT_TEMPLATE,
  LLAMA_FACTORY_TEMPLATE_PY,
  LLAMA_FACTORY_TRAIN_PY,
  TRL_CHAT_TEMPLATE,
  axolotlRow,
  llamaFactoryRow,
  trlRow,
} from './trainer-formats.js';
import { SPECIAL_TOKENS } from '../../format/index.js';
import { TRAINERS, type Trainer } from '../train-choices.js';

export { TRAINERS, type Trainer };

export interface ExportOptions {
  readonly inputs: readonly string[];
  readonly outDir: string;
  readonly trainer: Trainer;
  /** Base model written into the config (path or Hugging Face id). */
  readonly model: string;
  readonly tokenizer: TextTokenizer;
  readonly querySuffix: string;
  readonly contextLength: number;
}

export interface ExportReport {
  readonly rows: number;
  readonly written: number;
  /** Rows the trainer's format cannot hold (LLaMA-Factory: unfinished trajectories), left out and counted. */
  readonly skipped: number;
  readonly files: string[];
}

/** 8 GPUs × 4 rows × 4 accumulation steps = the paper's global batch of 128. */
const MICRO_BATCH = 4;
const ACCUMULATION = PAPER_HYPERPARAMETERS.globalBatch / (8 * MICRO_BATCH);

function yamlValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? `[${value.map(yamlValue).join(', ')}]` : String(value);
}

function yaml(comment: string, entries: ReadonlyArray<[string, unknown]>): string {
  const lines = entries.map(([key, value]) =>
    Array.isArray(value) && value.length > 0 && typeof value[0] === 'object'
      ? `${key}:\n${(value as Array<Record<string, unknown>>).map((item) => Object.entries(item).map(([k, v], index) => `${index === 0 ? '  - ' : '    '}${k}: ${yamlValue(v)}`).join('\n')).join('\n')}`
      : `${key}: ${yamlValue(value)}`,
  );
  return `# ${comment}\n${lines.join('\n')}\n`;
}

const SCHEDULE: Array<[string, unknown]> = [
  ['learning_rate', PAPER_HYPERPARAMETERS.learningRate],
  ['lr_scheduler_type', 'cosine'],
  ['warmup_steps', PAPER_HYPERPARAMETERS.warmupSteps],
  ['num_train_epochs', PAPER_HYPERPARAMETERS.epochs],
  ['per_device_train_batch_size', MICRO_BATCH],
  ['gradient_accumulation_steps', ACCUMULATION],
  ['bf16', true],
  ['gradient_checkpointing', true],
];

/** A Hugging Face tokenizer folder: the tokenizer.json with MathCoder's tokens, and the chat template in its config. */
function writeTokenizerFolder(folder: string, tokenizer: TextTokenizer, chatTemplate: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizer.json));
  const special = (id: number | null): string | null => (id === null ? null : (tokenizer.idToToken(id) ?? null));
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify(
      {
        tokenizer_class: 'LlamaTokenizerFast',
        legacy: true,
        add_bos_token: true,
        add_eos_token: false,
        bos_token: special(tokenizer.bosId),
        eos_token: special(tokenizer.eosId),
        pad_token: special(tokenizer.eosId),
        unk_token: '<unk>',
        additional_special_tokens: [...SPECIAL_TOKENS],
        model_max_length: 2048,
        chat_template: chatTemplate,
      },
      null,
      2,
    ),
  );
}

function configFiles(options: ExportOptions, dataFile: string): Array<[string, string]> {
  const model = options.model;
  switch (options.trainer) {
    case 'trl':
      return [
        ['mathcoder_chat_template.jinja', TRL_CHAT_TEMPLATE],
        [
          'trl_sft.yaml',
          yaml('trl sft --config trl_sft.yaml (accelerate launch --config_file <zero3.yaml> -m trl.cli sft --config trl_sft.yaml on several GPUs)', [
            ['model_name_or_path', model],
            ['dataset_name', 'data'],
            ['chat_template_path', 'tokenizer'],
            ['assistant_only_loss', true],
            ['packing', true],
            ['packing_strategy', 'bfd'],
            ['padding_free', true],
            ['max_length', options.contextLength],
            ['attn_implementation', 'flash_attention_2'],
            ...SCHEDULE,
            ['output_dir', 'mathcoder-sft'],
          ]),
        ],
      ];
    case 'axolotl':
      return [
        [
          'axolotl.yaml',
          yaml('axolotl train axolotl.yaml', [
            ['base_model', model],
            ['tokens', [...SPECIAL_TOKENS]],
            ['eot_tokens', ['<|endofmessage|>']],
            ['chat_template_jinja', AXOLOTL_CHAT_TEMPLATE],
            ['datasets', [{ path: dataFile, ds_type: 'json', type: 'chat_template', field_messages: 'messages', roles_to_train: ['assistant'], train_on_eos: 'turn' }]],
            ['sequence_len', options.contextLength],
            ['sample_packing', true],
            ['flash_attention', true],
            ['learning_rate', PAPER_HYPERPARAMETERS.learningRate],
            ['lr_scheduler', 'cosine'],
            ['warmup_steps', PAPER_HYPERPARAMETERS.warmupSteps],
            ['num_epochs', PAPER_HYPERPARAMETERS.epochs],
            ['micro_batch_size', MICRO_BATCH],
            ['gradient_accumulation_steps', ACCUMULATION],
            ['bf16', true],
            ['gradient_checkpointing', true],
            ['deepspeed', 'deepspeed_configs/zero3_bf16.json'],
            ['output_dir', './mathcoder-sft'],
          ]),
        ],
      ];
    case 'llama-factory':
      return [
        ['dataset_info.json', JSON.stringify({ mathcoder: { file_name: dataFile, formatting: 'sharegpt', columns: { messages: 'conversations' } } }, null, 2) + '\n'],
        ['mathcoder_template.py', LLAMA_FACTORY_TEMPLATE_PY],
        ['train_llamafactory.py', LLAMA_FACTORY_TRAIN_PY],
        [
          'llamafactory.yaml',
          yaml('FORCE_TORCHRUN=1 python train_llamafactory.py llamafactory.yaml (run from this folder)', [
            ['model_name_or_path', model],
            ['stage', 'sft'],
            ['do_train', true],
            ['finetuning_type', 'full'],
            ['add_special_tokens', SPECIAL_TOKENS.join(',')],
            ['resize_vocab', true],
            ['dataset', 'mathcoder'],
            ['dataset_dir', '.'],
            ['template', 'mathcoder'],
            ['cutoff_len', options.contextLength],
            ['packing', true],
            ['neat_packing', true],
            ['train_on_prompt', false],
            ['flash_attn', 'fa2'],
            ...SCHEDULE,
            ['deepspeed', 'ds_z3_config.json'],
            ['output_dir', 'mathcoder-sft'],
          ]),
        ],
      ];
  }
}

/** Streams the input rows into the trainer's row format and writes the config (and template) that uses them. */
export async function exportTrainerData(options: ExportOptions): Promise<ExportReport> {
  mkdirSync(options.outDir, { recursive: true });
  const dataFile = options.trainer === 'llama-factory' ? 'mathcoder.jsonl' : options.trainer === 'trl' ? join('data', 'train.jsonl') : 'train.jsonl';
  if (options.trainer === 'trl') mkdirSync(join(options.outDir, 'data'), { recursive: true });
  const sink = new JsonlRowSink(join(options.outDir, dataFile));
  const toRow = options.trainer === 'trl' ? trlRow : options.trainer === 'axolotl' ? axolotlRow : llamaFactoryRow;
  let rows = 0;
  let written = 0;
  try {
    for (const input of options.inputs) {
      for await (const { lineNumber, value } of readJsonl(input)) {
        const row = readTrainingRow(value, `${input}:${lineNumber}`, { querySuffix: options.querySuffix });
        rows += 1;
        const out = toRow(row.conversation, row.id);
        if (out === null) continue;
        written += 1;
        await sink.writeValue(out);
      }
    }
    if (rows === 0) throw new MathcoderError('input', `${options.inputs.join(', ')} ${options.inputs.length === 1 ? 'holds' : 'hold'} no rows: nothing to export`);
    if (written === 0) throw new MathcoderError('input', `none of the ${rows} rows can be written for ${options.trainer}: each is unfinished or multi-turn, which the format cannot hold`);
  } catch (error) {
    await sink.close().catch(() => undefined);
    rmSync(join(options.outDir, dataFile), { force: true });
    throw error;
  }
  await sink.close();
  const files = [dataFile];
  for (const [name, text] of configFiles(options, dataFile)) {
    writeFileSync(join(options.outDir, name), text);
    files.push(name);
  }
  if (options.trainer === 'trl') {
    writeTokenizerFolder(join(options.outDir, 'tokenizer'), options.tokenizer, TRL_CHAT_TEMPLATE);
    files.push('tokenizer/');
  }
  return { rows, written, skipped: rows - written, files: files.map((file) => join(options.outDir, file)) };
}
