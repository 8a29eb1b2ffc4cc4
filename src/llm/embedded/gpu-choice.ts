/**
 * Where llama.cpp runs. `none` (the default) is the CPU binary that `npm ci --omit=optional` installs;
 * `auto`, `cuda` and `vulkan` need node-llama-cpp's optional GPU packages (`npm ci` without `--omit=optional`).
 */
export type GpuChoice = 'none' | 'auto' | 'cuda' | 'vulkan';

export const GPU_CHOICES: readonly GpuChoice[] = ['none', 'auto', 'cuda', 'vulkan'];
