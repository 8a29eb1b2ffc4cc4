import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { MathcoderError } from '../errors.js';
import type { PythonInfo } from './types.js';

/**
 * Finds a Python 3 with sympy, numpy and IPython. An explicit interpreter wins; otherwise Debian's
 * /usr/bin/python3 (its apt packages are closest to what the published executions were made with), then
 * python3 on PATH. The result names an absolute interpreter path and the versions it reports.
 */

export const PYTHON_INSTALL_HINT =
  'install them with: sudo apt-get install -y python3-sympy python3-numpy python3-ipython (or: python3 -m pip install sympy numpy ipython), or name an interpreter that has them with --python or MATHCODER_PYTHON';

// Reads versions from the packages' metadata (no import: 0.1 s instead of a second of importing sympy, numpy and
// IPython); a package without metadata is imported. Also lists the folders the interpreter reads its files from,
// which are all the sandbox lets it see of the host's file system besides the system libraries.
const PROBE = [
  'import importlib.metadata, importlib.util, json, os, sys',
  'missing = []',
  'versions = {"python": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable}',
  'for name, module in (("sympy", "sympy"), ("numpy", "numpy"), ("ipython", "IPython")):',
  '    try:',
  '        if importlib.util.find_spec(module) is None:',
  '            raise ImportError(module)',
  '        try:',
  '            versions[name] = importlib.metadata.version(name)',
  '        except importlib.metadata.PackageNotFoundError:',
  '            versions[name] = __import__(module).__version__',
  '    except Exception:',
  '        missing.append(module)',
  'paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]',
  'paths += [p for p in sys.path if p and os.path.isdir(p)]',
  'print(json.dumps({"versions": versions, "missing": missing, "paths": sorted(set(os.path.realpath(p) for p in paths))}))',
].join('\n');

/** The environment every sandbox Python runs with: nothing inherited from the parent process. */
export function sandboxEnvironment(home: string): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONHASHSEED: '0',
    PYTHONIOENCODING: 'utf-8',
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    NUMEXPR_NUM_THREADS: '1',
    MPLBACKEND: 'Agg',
  };
}

function onPath(name: string, pathVariable: string | undefined): string | null {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** A discovered interpreter and the folders it reads its own files from (its prefix, its sys.path). */
export interface DiscoveredPython extends PythonInfo {
  readonly paths: readonly string[];
}

interface ProbeResult {
  readonly info: DiscoveredPython | null;
  readonly problem: string;
}

function probe(executable: string): ProbeResult {
  const run = spawnSync(executable, ['-c', PROBE], { encoding: 'utf8', env: sandboxEnvironment('/tmp'), timeout: 60_000 });
  if (run.error || run.status !== 0) return { info: null, problem: `${executable} did not run` };
  try {
    const parsed = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { versions: Record<string, string>; missing: string[]; paths: string[] };
    if (parsed.missing.length > 0) return { info: null, problem: `${executable} lacks ${parsed.missing.join(', ')}` };
    const v = parsed.versions;
    return {
      info: { executable: v.executable ?? executable, python: v.python!, sympy: v.sympy!, numpy: v.numpy!, ipython: v.ipython!, paths: parsed.paths },
      problem: '',
    };
  } catch {
    return { info: null, problem: `${executable} printed something unexpected` };
  }
}

export interface DiscoveryOptions {
  /** An interpreter the user named (a flag or MATHCODER_PYTHON, resolved by the caller). */
  readonly python?: string;
  /** The PATH to search; the caller passes process.env.PATH. */
  readonly path?: string;
}

const cache = new Map<string, DiscoveredPython>();

export function discoverPython(options: DiscoveryOptions = {}): PythonInfo {
  const { paths: _paths, ...info } = discoverPythonWithPaths(options);
  return info;
}

/** discoverPython, with the folders the interpreter reads its files from (the sandbox shows it only those). */
export function discoverPythonWithPaths(options: DiscoveryOptions = {}): DiscoveredPython {
  const key = `${options.python ?? ''}\0${options.path ?? ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const candidates: string[] = [];
  if (options.python) {
    const named = isAbsolute(options.python) ? options.python : onPath(options.python, options.path) ?? options.python;
    candidates.push(named);
  } else {
    candidates.push('/usr/bin/python3');
    const fromPath = onPath('python3', options.path);
    if (fromPath) candidates.push(fromPath);
  }
  const problems: string[] = [];
  for (const candidate of [...new Set(candidates)]) {
    if (!existsSync(candidate)) {
      problems.push(`${candidate} does not exist`);
      continue;
    }
    const result = probe(candidate);
    if (result.info) {
      cache.set(key, result.info);
      return result.info;
    }
    problems.push(result.problem);
  }
  throw new MathcoderError('python-missing', `no Python 3 with sympy, numpy and IPython (${problems.join('; ')}); ${PYTHON_INSTALL_HINT}`);
}
