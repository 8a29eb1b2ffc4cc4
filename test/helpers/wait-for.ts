/**
 * Waits until `condition` holds, polling. The deadline is for a hang, never for a slow machine: two minutes
 * unless the caller knows better (say, because the state must come before something that takes ten).
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
