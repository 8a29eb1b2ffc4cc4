/**
 * mathcoder as a library: MathCoder (Wang et al., ICLR 2024) in TypeScript. A model solves a math problem by
 * writing reasoning and Python code; the code runs in a stateful Python sandbox; its output goes back into the
 * model's context until the model gives its answer.
 *
 * ```ts
 * import { PythonSandbox, createBackend, createGraders, gradeAnswer, solveProblem } from 'mathcoder';
 *
 * const sandbox = await PythonSandbox.start(); // finds a Python with sympy, numpy and IPython
 * const model = await createBackend({ kind: 'openai-completions', baseUrl: 'http://127.0.0.1:8000/v1', syntax: 'mathcoder', bos: true });
 * const result = await solveProblem('What is 6 times 7?', model, sandbox);
 * const [strict] = await gradeAnswer('42', result.answer ?? '', [createGraders().strict], { question: 'What is 6 times 7?' });
 * console.log(result.answer, result.stopReason, strict?.verdict.equal); // 42 finished true
 * await model.close();
 * await sandbox.close();
 * ```
 *
 * The parts, each usable alone:
 * - **Sandbox** (`PythonSandbox`): stateful Jupyter-like Python sessions forked from a warm worker, with time and
 *   resource limits and isolation (bubblewrap, unshare, or none, stated in `sandbox.info`).
 * - **Format**: MathCoder's special-token protocol (`MATHCODER_SYNTAX`, `renderConversation`, `SYSTEM_PROMPTS`) and
 *   the other dialects (`getSyntax`, `SYNTAX_NAMES`: ToRA/Qwen Markdown, OpenMath `<tool_call>`, Hermes, harmony,
 *   ReTool; `dialectRecord` describes one), published-row, recorded-transcript and train_80k row formats.
 * - **Backends** (`createBackend`, `BACKEND_KINDS`): llama.cpp in process (`embedded`, a GGUF file; node-llama-cpp is
 *   loaded only when such a model is), OpenAI completions (vLLM, SGLang, llama-server), TGI, OpenAI chat with a
 *   `python` tool; `resolveModelFile` downloads catalogue models (`MODEL_CATALOGUE`) from the Hugging Face hub;
 *   `startReplayServer` is a stand-in model server replaying published trajectories; several servers of one model are
 *   used as one through `createBackend({ baseUrls })` (`ServerPool`).
 * - **Solve** (`solveProblem`): the generate-execute-continue loop with its limits (`DEFAULT_LIMITS`) and streaming
 *   events; `solveRecord` is the JSON a trajectory is stored as.
 * - **Graders** (`createGraders`, `gradeAnswer`, `trajectorySolution`): `strict` (every final answer of the last
 *   message, rules that read the question) and `mathcoder-compat` (the released evaluate.py), `SymbolicChecker`
 *   for sympy proofs in the sandbox.
 * - **Datasets** (`loadDataset`, `DATASETS`): GSM8K, MATH, SVAMP, Mathematics, SimulEq, MATH500, ASDiv, GSM-Hard,
 *   MAWPS mapped to one `Problem` type, from a data folder or the hub.
 * - **Eval** (`runEval`, `buildRunReport`, `markdownReport`): evaluation runs with crash-safe results, resume,
 *   manifests, both graders, pass@1 ± standard error, pass@k and maj@k, shards (`parseShard`, `runSources`),
 *   reports next to the paper's Table 2; `FolderLock` keeps one writer per run folder.
 * - **Data building** (`buildSeeds`, `runD0`, `runD1`, `cleanRows`, `exportRows`): MathCodeInstruct's seeds, teacher
 *   solutions, interpolation and self-distillation, decontamination and train_80k export.
 * - **Train** (`prepareTrainingData`, `exportTrainerData`, `launchPlan`): masked, packed SFT data, trainer exports,
 *   launch plans; **tokenizers** (`loadTokenizer`) with MathCoder's eight special tokens.
 * - **Server** (`createApp`, `startServer`): the HTTP API behind `mathcoder serve` and `mathcoder view`, with its
 *   host and origin checks (`hostCheck`).
 *
 * Every failure of the infrastructure (a missing file, a model server that is down) is a `MathcoderError` with a
 * one-line message and a `kind`; a model's wrong output or failing code is data in the result, never an error.
 */

export { MathcoderError, errorMessage, isMathcoderError } from './errors.js';

// The sandbox.
export { PythonSandbox, type StartOptions } from './sandbox/python-sandbox.js';
export { DEFAULT_SANDBOX_OPTIONS, TORA_OUTPUT_LIMITS, UNLIMITED_OUTPUT, resolveSandboxOptions, type SandboxOptions, type SandboxOptionsInput } from './sandbox/options.js';
export { discoverPython, PYTHON_INSTALL_HINT, type DiscoveryOptions } from './sandbox/python-discovery.js';
export { executionText, MATHCODER_EMPTY_EXECUTION, type ExecutionStyle, type ExecutionTextOptions } from './sandbox/execution-text.js';
export type * from './sandbox/types.js';

// Formats, backends, the solve loop, graders, datasets.
export * from './format/index.js';
export * from './llm/index.js';
export * from './solve/index.js';
export * from './grade/index.js';
export * from './datasets/index.js';
export * from './hub/index.js';
export * from './tokenizer/index.js';

// Evaluation, replay of published trajectories, data building, training.
export * from './eval/index.js';
export { FolderLock, LOCK_FILE } from './util/folder-lock.js';
export { loadReplayRows, replayRows, replayFiles, fileReport as replayFileReport, type ReplayRow, type ReplayCell, type CellComparison, type FileReplayReport, type ReplayOptions, type ReplayProgress } from './replay/replay.js';
export { MISMATCH_KINDS, classifyMismatch, type MismatchKind } from './replay/mismatch-kinds.js';
export * from './build-data/index.js';
export * from './train/index.js';
// Both data export (train_80k rows) and trainer export have options of this name.
export type { ExportOptions } from './build-data/export-rows.js';
export type { ExportOptions as TrainerExportOptions } from './train/export/export-trainer-data.js';

// The HTTP API and web viewer.
export * from './server/index.js';
export { hostCheck, LOOPBACK_NAMES, type HostPolicy } from './server/host-check.js';
