// Builds dist/ only when a source file is newer than the last build (`npm test` after `scripts/setup.sh`
// does not build a second time; `npm test` after an edit does). `--stamp`, the build's last step, writes
// dist/.build-stamp.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'view', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json'];

function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '__pycache__') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...inputs.map((input) => join(root, input)).filter(existsSync).map(newest));
if (changed > built) {
  console.log(built === 0 ? 'dist/ has not been built: building it' : 'sources changed since the last build: building dist/');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
