import type { SyntaxName } from '../format/index.js';
import type { HubFile } from '../hub/index.js';

/**
 * Models known by a short name: GGUF quantisations of the released MathCoder models on the Hugging Face hub.
 * `NAME` is the Q4_K_M file (a 7B model in about 4 GB, what `mathcoder solve` uses by default);
 * `NAME:QUANT` another file of the same repository (e.g. `mathcoder-l-7b:Q8_0`). Sizes and sha256 are not
 * pinned here: the hub states both for every file (Content-Length, X-Linked-Etag) and the download checks them.
 */
export interface CatalogueModel {
  readonly name: string;
  readonly description: string;
  readonly repo: string;
  /** The file name with `{QUANT}` where the quantisation goes. */
  readonly filePattern: string;
  readonly syntax: SyntaxName;
}

export const MODEL_CATALOGUE: readonly CatalogueModel[] = [
  {
    name: 'mathcoder-cl-7b',
    description: 'MathCoder-CL-7B (CodeLlama-7B fine-tuned on MathCodeInstruct), GGUF',
    repo: 'RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf',
    filePattern: 'MathCoder-CL-7B.{QUANT}.gguf',
    syntax: 'mathcoder',
  },
  {
    name: 'mathcoder-l-7b',
    description: 'MathCoder-L-7B (Llama-2-7B fine-tuned on MathCodeInstruct), GGUF',
    repo: 'RichardErkhov/MathLLMs_-_MathCoder-L-7B-gguf',
    filePattern: 'MathCoder-L-7B.{QUANT}.gguf',
    syntax: 'mathcoder',
  },
];

export const DEFAULT_MODEL = 'mathcoder-cl-7b';
export const DEFAULT_QUANTISATION = 'Q4_K_M';

const QUANTISATION = /^(?:I?Q[1-8](?:_[0-9A-Z]+)*|F16|BF16|F32)$/;

/** The hub file of a catalogue name (`mathcoder-cl-7b`, `mathcoder-cl-7b:Q8_0`), or null for other names. */
export function catalogueFile(reference: string): { model: CatalogueModel; file: HubFile } | null {
  const [name, quantisation = DEFAULT_QUANTISATION] = reference.split(':');
  const model = MODEL_CATALOGUE.find((entry) => entry.name === name?.toLowerCase());
  if (!model) return null;
  const quant = quantisation.toUpperCase();
  if (!QUANTISATION.test(quant)) return null;
  return { model, file: { repoType: 'model', repo: model.repo, path: model.filePattern.replace('{QUANT}', quant) } };
}
