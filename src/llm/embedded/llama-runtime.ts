import type { Llama } from 'node-llama-cpp';
import { MathcoderError, errorMessage } from '../../errors.js';
import type { GpuChoice } from './gpu-choice.js';

/**
 * The llama.cpp runtime, from node-llama-cpp's prebuilt binaries; never compiled on the user's machine.
 * node-llama-cpp takes most of a second to import: it is loaded here, when a model is, and never by a program that
 * only imports this library or uses a model server.
 */

const runtimes = new Map<GpuChoice, Promise<Llama>>();

export interface RuntimeOptions {
  readonly gpu: GpuChoice;
  /** llama.cpp's warnings and errors (the CLI prints them on stderr); dropped when absent. */
  readonly onLog?: (message: string) => void;
}

async function startRuntime(options: RuntimeOptions): Promise<Llama> {
  try {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    return await getLlama({
      gpu: options.gpu === 'none' ? false : options.gpu,
      build: 'never',
      progressLogs: false,
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => {
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal || level === LlamaLogLevel.warn) options.onLog?.(message.trim());
      },
    });
  } catch (error) {
    const hint =
      options.gpu === 'none'
        ? 'reinstall with `npm ci --omit=optional` so that @node-llama-cpp/linux-x64 is present'
        : `install the GPU build (\`npm ci\` without --omit=optional, or \`npm install @node-llama-cpp/linux-x64-${options.gpu === 'vulkan' ? 'vulkan' : 'cuda'}\`), or use --gpu none`;
    throw new MathcoderError('model', `llama.cpp could not start (gpu ${options.gpu}): ${errorMessage(error)}; ${hint}`, { cause: error });
  }
}

/** One runtime per GPU choice for the whole process. */
export function loadLlamaRuntime(options: RuntimeOptions): Promise<Llama> {
  let runtime = runtimes.get(options.gpu);
  if (!runtime) {
    runtime = startRuntime(options);
    runtimes.set(options.gpu, runtime);
    runtime.catch(() => runtimes.delete(options.gpu));
  }
  return runtime;
}
