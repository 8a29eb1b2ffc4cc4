import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MathcoderError } from '../errors.js';
import { BUILTIN_LLAMA2, llama2TokenizerJson } from './builtin-llama2.js';
import { checkSpecialTokens, withMathcoderTokens, type SpecialTokenPolicy } from './mathcoder-tokens.js';
import { parseSentencePieceModel, sentencePieceTokenizerJson } from './sentencepiece-model.js';
import { TextTokenizer } from './text-tokenizer.js';
import { parseTokenizerJson, type TokenizerJson } from './tokenizer-json.js';

export interface LoadTokenizerOptions {
  /** The Hugging Face hub cache folder (`$HF_HUB_CACHE`, `$HF_HOME/hub` or `~/.cache/huggingface/hub`), resolved by the caller. */
  readonly huggingFaceCache?: string;
  /** Add MathCoder's eight special tokens where missing (default), or require that the tokenizer has them. */
  readonly specialTokens?: SpecialTokenPolicy;
}

const HF_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MathcoderError('tokenizer', `${path}: not valid JSON (${(error as Error).message})`);
  }
}

function fromFile(path: string): { json: TokenizerJson; sentencePiece: ConstructorParameters<typeof TextTokenizer>[2] } {
  if (path.endsWith('.json')) return { json: parseTokenizerJson(readJsonFile(path), path), sentencePiece: null };
  const model = parseSentencePieceModel(readFileSync(path), path);
  return {
    json: sentencePieceTokenizerJson(model, path),
    sentencePiece: { scores: model.pieces.map((piece) => piece.score), types: model.pieces.map((piece) => piece.type) },
  };
}

/** tokenizer.json, else tokenizer.model, in a folder. */
function inFolder(folder: string): string | null {
  for (const name of ['tokenizer.json', 'tokenizer.model']) if (existsSync(join(folder, name))) return join(folder, name);
  return null;
}

/** The snapshot folder of a model in the hub cache: the one `refs/main` names, else any. */
function cachedSnapshot(cache: string, id: string): string | null {
  const root = join(cache, `models--${id.replace('/', '--')}`);
  const snapshots = join(root, 'snapshots');
  if (!existsSync(snapshots)) return null;
  const main = join(root, 'refs', 'main');
  if (existsSync(main)) {
    const folder = join(snapshots, readFileSync(main, 'utf8').trim());
    if (inFolder(folder)) return folder;
  }
  const any = readdirSync(snapshots)
    .sort()
    .map((name) => join(snapshots, name))
    .find((folder) => inFolder(folder) !== null);
  return any ?? null;
}

function locate(spec: string, options: LoadTokenizerOptions): string {
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory()) return spec;
    const file = inFolder(spec);
    if (file) return file;
    throw new MathcoderError('tokenizer-missing', `"${spec}" is a folder without tokenizer.json or tokenizer.model`);
  }
  if (HF_ID.test(spec) && options.huggingFaceCache) {
    const folder = cachedSnapshot(options.huggingFaceCache, spec);
    if (folder) return inFolder(folder)!;
    throw new MathcoderError(
      'tokenizer-missing',
      `"${spec}" is not in the Hugging Face cache at ${options.huggingFaceCache} (nothing is downloaded: fetch it with \`huggingface-cli download ${spec} tokenizer.json\`, or pass a tokenizer.json / tokenizer.model path, or ${BUILTIN_LLAMA2})`,
    );
  }
  throw new MathcoderError('tokenizer-missing', `"${spec}" is not a file, a folder, "${BUILTIN_LLAMA2}" or a cached Hugging Face id (org/name)`);
}

/**
 * Loads the tokenizer named by `spec`: the built-in `llama2`, a tokenizer.json or tokenizer.model (or a folder with
 * one), or a Hugging Face model id found in the local hub cache. MathCoder's special tokens are added (or required)
 * and each is checked to be read as one id.
 */
export function loadTokenizer(spec: string, options: LoadTokenizerOptions = {}): TextTokenizer {
  let json: TokenizerJson;
  let sentencePiece: ConstructorParameters<typeof TextTokenizer>[2] = null;
  let source = spec;
  if (spec === BUILTIN_LLAMA2) {
    json = llama2TokenizerJson();
  } else {
    source = locate(spec, options);
    ({ json, sentencePiece } = fromFile(source));
  }
  if ((options.specialTokens ?? 'add') === 'add') json = withMathcoderTokens(json, source);
  const tokenizer = new TextTokenizer(json, source, sentencePiece);
  checkSpecialTokens(tokenizer);
  return tokenizer;
}
