/**
 * The normalisation applied to both the published execution and the re-execution before they are compared.
 * It removes what depends on the machine that ran the code, never what the code computed:
 * 1. ANSI escape sequences (all CSI forms: the published tracebacks keep 256-colour codes that MathCoder's
 *    client regex missed, e.g. `\x1b[38;5;66;03m`);
 * 2. object addresses (`0x7f3a2c1b9e50` → `0x…`);
 * 3. temporary paths: ipykernel's cell files (`/tmp/ipykernel_3445243/2986937781.py`; here they sit in the
 *    session's own temporary folder) become `<cell-file>`, and the sandbox's session folders `<workdir>`;
 * 4. trailing spaces at the end of lines.
 */

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const ADDRESS = /\b0x[0-9a-fA-F]{6,16}\b/g;
// A session's folder: /tmp itself (a private /tmp per session), or without namespaces a folder per session under
// the sandbox's own folder (…/mathcoder-sbx-XXXXXX/work/session-N).
const SESSION_DIR_PATTERN = String.raw`\/(?:[^\s'"]*\/mathcoder-sbx-[A-Za-z0-9]+\/work|tmp\/mathcoder-sessions)\/session-\d+`;
const IPYKERNEL_CELL_FILE = new RegExp(String.raw`(?:${SESSION_DIR_PATTERN}|\/tmp)\/ipykernel_\d+\/\d+\.py`, 'g');
const SESSION_DIR = new RegExp(SESSION_DIR_PATTERN, 'g');
const TRAILING_SPACES = /[ \t]+$/gm;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function normaliseExecution(text: string): string {
  return stripAnsi(text)
    .replace(ADDRESS, '0x…')
    .replace(IPYKERNEL_CELL_FILE, '<cell-file>')
    .replace(SESSION_DIR, '<workdir>')
    .replace(TRAILING_SPACES, '')
    .trim();
}
