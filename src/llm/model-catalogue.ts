import type { SyntaxName } from '../format/index.js';
import type { HubFile } from '../hub/index.js';

/**
 * Models known by a short name: GGUF quantisations on the Hugging Face hub of the released MathCoder models and of
 * models that speak the other dialects. `NAME` is the entry's default file (Q4_K_M where the repository has it);
 * `NAME:QUANT` another file of the same repository (e.g. `mathcoder-l-7b:Q8_0`). Sizes and sha256 are not pinned
 * here: the hub states both for every file (Content-Length, X-Linked-Etag) and the download checks them.
 *
 * This machine cannot reach the hub: each entry says where its repository and a file of its naming pattern were
 * seen (pages of the hub found with a documentation search). Released models for which no GGUF was found are
 * listed in MODEL_FAMILIES with their dialect, to be served by vLLM, SGLang or TGI.
 */
export interface CatalogueModel {
  readonly name: string;
  readonly description: string;
  readonly repo: string;
  /** The file name with `{QUANT}` (upper case, `Q4_K_M`) or `{quant}` (lower case, `q4_k_m`) where the quantisation goes. */
  readonly filePattern: string;
  readonly syntax: SyntaxName;
  /** The quantisation `NAME` alone downloads. */
  readonly defaultQuant: string;
  /** Where the repository and a file of this naming pattern were seen. */
  readonly checked: string;
}

export const MODEL_CATALOGUE: readonly CatalogueModel[] = [
  {
    name: 'mathcoder-cl-7b',
    description: 'MathCoder-CL-7B (CodeLlama-7B fine-tuned on MathCodeInstruct), GGUF',
    repo: 'RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf',
    filePattern: 'MathCoder-CL-7B.{QUANT}.gguf',
    syntax: 'mathcoder',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file listing of the repository (tree/main): MathCoder-CL-7B.Q4_K_M.gguf, 4.08 GB',
  },
  {
    name: 'mathcoder-l-7b',
    description: 'MathCoder-L-7B (Llama-2-7B fine-tuned on MathCodeInstruct), GGUF',
    repo: 'RichardErkhov/MathLLMs_-_MathCoder-L-7B-gguf',
    filePattern: 'MathCoder-L-7B.{QUANT}.gguf',
    syntax: 'mathcoder',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file page of the repository: MathCoder-L-7B.Q3_K.gguf (the Q4_K_M file itself not seen; the same uploader names it so in its MathCoder-CL-7B and -L-13B repositories)',
  },
  {
    name: 'mathcoder-l-13b',
    description: 'MathCoder-L-13B, GGUF (mradermacher, static quantisations)',
    repo: 'mradermacher/MathCoder-L-13B-GGUF',
    filePattern: 'MathCoder-L-13B.{QUANT}.gguf',
    syntax: 'mathcoder',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file listing of the repository (tree/main): MathCoder-L-13B.Q4_K_M.gguf, 7.87 GB',
  },
  {
    name: 'mathcoder-l-13b-i1',
    description: 'MathCoder-L-13B, GGUF (mradermacher, imatrix quantisations)',
    repo: 'mradermacher/MathCoder-L-13B-i1-GGUF',
    filePattern: 'MathCoder-L-13B.i1-{QUANT}.gguf',
    syntax: 'mathcoder',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file listing of the repository: MathCoder-L-13B.i1-Q4_K_M.gguf, 7.87 GB',
  },
  {
    name: 'mathcoder-cl-34b-i1',
    description: 'MathCoder-CL-34B, GGUF (mradermacher, imatrix quantisations; no static quantisation was found)',
    repo: 'mradermacher/MathCoder-CL-34B-i1-GGUF',
    filePattern: 'MathCoder-CL-34B.i1-{QUANT}.gguf',
    syntax: 'mathcoder',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file listing of the repository (tree/main and earlier revisions): MathCoder-CL-34B.i1-Q4_K_M.gguf, 20.2 GB',
  },
  {
    name: 'qwen2.5-math-7b-instruct',
    description: 'Qwen2.5-Math-7B-Instruct, GGUF (QuantFactory); TIR with --syntax qwen or qwen-stateless',
    repo: 'QuantFactory/Qwen2.5-Math-7B-Instruct-GGUF',
    filePattern: 'Qwen2.5-Math-7B-Instruct.{QUANT}.gguf',
    syntax: 'qwen',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file listing of the repository (tree/main): Qwen2.5-Math-7B-Instruct.Q4_K_M.gguf, 4.68 GB',
  },
  {
    name: 'qwen2.5-math-1.5b-instruct',
    description: 'Qwen2.5-Math-1.5B-Instruct, GGUF (a one-file Q5_K_M conversion); TIR with --syntax qwen or qwen-stateless',
    repo: 'Triangle104/Qwen2.5-Math-1.5B-Instruct-Q5_K_M-GGUF',
    filePattern: 'qwen2.5-math-1.5b-instruct-{quant}.gguf',
    syntax: 'qwen',
    defaultQuant: 'Q5_K_M',
    checked: 'hub file listing of the repository: qwen2.5-math-1.5b-instruct-q5_k_m.gguf, 1.13 GB (the only file)',
  },
  {
    name: 'qwen2.5-7b-instruct',
    description: "Qwen2.5-7B-Instruct, GGUF (Qwen's own); Hermes-style tool calls with --syntax hermes",
    repo: 'Qwen/Qwen2.5-7B-Instruct-GGUF',
    filePattern: 'qwen2.5-7b-instruct-{quant}.gguf',
    syntax: 'hermes',
    defaultQuant: 'Q3_K_M',
    checked:
      "ai.gitee.com's mirror of the hub repository: qwen2.5-7b-instruct-q3_k_m.gguf (3.55 GB) and -q2_k.gguf; larger quantisations of Qwen's own GGUF repositories are split into several files, which this downloader does not join",
  },
  {
    name: 'gpt-oss-20b',
    description: 'gpt-oss-20b, GGUF (unsloth); harmony with --syntax harmony',
    repo: 'unsloth/gpt-oss-20b-GGUF',
    filePattern: 'gpt-oss-20b-{QUANT}.gguf',
    syntax: 'harmony',
    defaultQuant: 'Q4_K_M',
    checked: 'hub file listing of the repository (tree/main): gpt-oss-20b-Q4_K_M.gguf (11.6 GB), gpt-oss-20b-F16.gguf',
  },
];

/** A released model family known to speak a dialect, with no GGUF in the catalogue. */
export interface ModelFamily {
  readonly family: string;
  readonly repos: readonly string[];
  readonly syntax: SyntaxName;
  readonly note: string;
  /** Where the family and its dialect were seen; `unverified` parts say so. */
  readonly checked: string;
}

export const MODEL_FAMILIES: readonly ModelFamily[] = [
  {
    family: 'MathGenie (MathCoder template)',
    repos: ['MathGenie/MathGenie-InterLM-20B'],
    syntax: 'mathcoder',
    note: "MathCoder's eight special tokens and block layout (same authors, arXiv 2402.16352); safetensors only: serve with vLLM or TGI, --syntax mathcoder",
    checked:
      "hub file listing of MathGenie/MathGenie-InterLM-20B: added_tokens.json of 197 bytes, the size of MathCoder's eight-token file (the tokens themselves and the model card were not read: the template is unverified beyond that); no GGUF found",
  },
  {
    family: 'MathCoder (released weights)',
    repos: ['MathLLMs/MathCoder-L-7B', 'MathLLMs/MathCoder-L-13B', 'MathLLMs/MathCoder-CL-7B', 'MathLLMs/MathCoder-CL-34B'],
    syntax: 'mathcoder',
    note: 'the originals of the GGUF files above',
    checked: "hub page of MathLLMs/MathCoder-CL-34B special_tokens_map.json: the eight special tokens; RichardErkhov's model cards name MathLLMs/MathCoder-L-13B and -CL-7B as originals",
  },
  {
    family: 'Qwen2.5-Math-Instruct',
    repos: ['Qwen/Qwen2.5-Math-1.5B-Instruct', 'Qwen/Qwen2.5-Math-7B-Instruct', 'Qwen/Qwen2.5-Math-72B-Instruct'],
    syntax: 'qwen',
    note: 'TIR with the README system message; --syntax qwen (stateful) or qwen-stateless (as its evaluation)',
    checked: 'QwenLM/Qwen2.5-Math README.md (model names, TIR system message)',
  },
  {
    family: 'OpenMath-Nemotron',
    repos: ['nvidia/OpenMath-Nemotron-1.5B', 'nvidia/OpenMath-Nemotron-7B', 'nvidia/OpenMath-Nemotron-14B', 'nvidia/OpenMath-Nemotron-32B'],
    syntax: 'openmath',
    note: 'TIR as NeMo-Skills evaluates it (openmath/tir prompt, 8 executions, remaining-execution notices); OpenMath-Nemotron-14B-Kaggle uses the generic/math prompt without notices. No GGUF was found: serve with vLLM or SGLang',
    checked:
      'NVIDIA/NeMo-Skills docs/releases/openmathreasoning/evaluation.md and nemo_skills/inference/chat_interface/core.py (the model names and their TIR settings); GGUF conversions: none found by search (unverified)',
  },
  {
    family: 'ReTool',
    repos: ['JoeYing/ReTool-Qwen-32B'],
    syntax: 'retool',
    note: "ReTool's <code>/<interpreter> format in Qwen2.5's ChatML. ReTool-DeepSeek-R1-Distill-Qwen-32B (named in ReTool-RL/ReTool README.md, repository not checked) uses DeepSeek's chat template, which --syntax retool does not render",
    checked: 'a mirror of the hub model card of JoeYing/ReTool-Qwen-32B (safetensors, 32.8B, base Qwen/Qwen2.5-32B); GGUF: none found (unverified)',
  },
  {
    family: 'gpt-oss',
    repos: ['openai/gpt-oss-20b', 'openai/gpt-oss-120b'],
    syntax: 'harmony',
    note: 'harmony with the python tool',
    checked: 'openai/gpt-oss README.md and gpt_oss/evals/__main__.py (model names)',
  },
];

export const DEFAULT_MODEL = 'mathcoder-cl-7b';
export const DEFAULT_QUANTISATION = 'Q4_K_M';

const QUANTISATION = /^(?:I?Q[1-8](?:_[0-9A-Z]+)*|F16|BF16|F32)$/;

/** The hub file of a catalogue name (`mathcoder-cl-7b`, `mathcoder-cl-7b:Q8_0`), or null for other names. */
export function catalogueFile(reference: string): { model: CatalogueModel; file: HubFile } | null {
  const [name, quantisation] = reference.split(':');
  const model = MODEL_CATALOGUE.find((entry) => entry.name === name?.toLowerCase());
  if (!model) return null;
  const quant = (quantisation ?? model.defaultQuant).toUpperCase();
  if (!QUANTISATION.test(quant)) return null;
  const path = model.filePattern.replace('{QUANT}', quant).replace('{quant}', quant.toLowerCase());
  return { model, file: { repoType: 'model', repo: model.repo, path } };
}
