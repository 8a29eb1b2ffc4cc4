import { fileURLToPath } from 'node:url';
import { TINY_MODEL, type LaunchPlan } from './launch-plan.js';

/** The Python files of the training entry point, shipped beside this module (copied to dist by the build). */
export const PYTHON_DIR = fileURLToPath(new URL('./python/', import.meta.url));
export const PYTHON_FILES = ['mathcoder_sft.py', 'packed_batches.py', 'embedding_init.py', 'tiny_llama.py', 'check_environment.py'] as const;

/** DeepSpeed ZeRO-3 as the paper trained (SPEC 1.6); "auto" values are filled in by the transformers Trainer. */
export function deepSpeedConfig(plan: LaunchPlan): object {
  return {
    bf16: { enabled: 'auto' },
    zero_optimization: {
      stage: 3,
      ...(plan.options.offloadOptimizer ? { offload_optimizer: { device: 'cpu', pin_memory: true } } : {}),
      overlap_comm: true,
      contiguous_gradients: true,
      reduce_bucket_size: 'auto',
      stage3_prefetch_bucket_size: 'auto',
      stage3_param_persistence_threshold: 'auto',
      stage3_max_live_parameters: 1e9,
      stage3_max_reuse_distance: 1e9,
      stage3_gather_16bit_weights_on_model_save: true,
    },
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
    wall_clock_breakdown: false,
  };
}

function yamlLines(entries: ReadonlyArray<[string, unknown]>, indent = ''): string[] {
  return entries.flatMap(([key, value]) =>
    value !== null && typeof value === 'object'
      ? [`${indent}${key}:`, ...yamlLines(Object.entries(value), `${indent}  `)]
      : [`${indent}${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`],
  );
}

/** accelerate's config for the chosen engine, multi-GPU and multi-node (machine_rank comes from $NODE_RANK at launch). */
export function accelerateConfig(plan: LaunchPlan): string {
  const { options } = plan;
  const engine: Array<[string, unknown]> =
    options.engine === 'deepspeed'
      ? [
          ['distributed_type', 'DEEPSPEED'],
          ['deepspeed_config', { deepspeed_config_file: 'deepspeed_zero3.json', zero3_init_flag: true, deepspeed_multinode_launcher: 'standard' }],
        ]
      : [
          ['distributed_type', 'FSDP'],
          ['mixed_precision', 'bf16'],
          [
            'fsdp_config',
            {
              fsdp_version: 1,
              fsdp_auto_wrap_policy: 'TRANSFORMER_BASED_WRAP',
              fsdp_backward_prefetch: 'BACKWARD_PRE',
              fsdp_cpu_ram_efficient_loading: true,
              fsdp_offload_params: options.offloadOptimizer,
              fsdp_sharding_strategy: 'FULL_SHARD',
              fsdp_state_dict_type: 'FULL_STATE_DICT',
              fsdp_sync_module_states: true,
              fsdp_use_orig_params: true,
            },
          ],
        ];
  const lines = yamlLines([
    ['compute_environment', 'LOCAL_MACHINE'],
    ...engine,
    ['machine_rank', 0],
    ...(options.mainProcessIp ? ([['main_process_ip', options.mainProcessIp]] as Array<[string, unknown]>) : []),
    ['main_process_port', options.mainProcessPort],
    ['main_training_function', 'main'],
    ['num_machines', options.nodes],
    ['num_processes', plan.worldSize],
    ['rdzv_backend', 'static'],
    ['same_network', true],
    ['use_cpu', false],
  ]);
  return `# Written by mathcoder train launch: ${options.engine === 'deepspeed' ? 'DeepSpeed ZeRO-3' : 'FSDP full shard'}, ${options.nodes} node(s) × ${options.gpusPerNode} GPU(s).\n${lines.join('\n')}\n`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command that starts training: accelerate launch for a real model, plain Python for the tiny one. */
export function launchCommand(plan: LaunchPlan): string[] {
  const python = plan.options.python;
  if (plan.options.model === TINY_MODEL) return [python, 'mathcoder_sft.py', ...plan.trainerArguments];
  return [
    python, '-m', 'accelerate.commands.launch',
    '--config_file', 'accelerate.yaml',
    '--machine_rank', '${NODE_RANK:-0}',
    'mathcoder_sft.py',
    ...plan.trainerArguments,
  ];
}

export function launchScript(plan: LaunchPlan): string {
  const command = launchCommand(plan)
    .map((part) => (part === '${NODE_RANK:-0}' ? `"${part}"` : shellQuote(part)))
    .join(' ')
    .replace(/ (--\w)/g, ' \\\n  $1');
  const nodes = plan.options.nodes;
  return [
    '#!/usr/bin/env bash',
    `# Written by mathcoder train launch.${nodes > 1 ? ` Run it on each of the ${nodes} nodes with NODE_RANK=0..${nodes - 1}.` : ''}`,
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    `exec ${command}`,
    '',
  ].join('\n');
}
