import { join } from 'node:path';
import { DATASETS, hubAddresses, loadDataset, locateDataset } from '../../datasets/index.js';
import { hubConfigFromEnvironment, type HubConfig } from '../../hub/hub-config.js';
import { createProgress, formatMegabytes, type ProgressReporter } from '../../util/progress.js';
import type { DatasetsFlags } from './datasets.js';

function resolve(flags: DatasetsFlags): { hub: HubConfig; dataDir: string } {
  const hub = hubConfigFromEnvironment(process.env);
  return { hub, dataDir: flags.dataDir ?? join(hub.cacheDir, 'datasets') };
}

/** `mathcoder datasets`: every set the project knows, its row count and where it is. */
export async function listDatasets(flags: DatasetsFlags): Promise<void> {
  const { hub, dataDir } = resolve(flags);
  const entries = [];
  for (const spec of DATASETS) {
    const location = locateDataset(spec, { dataDir, hub });
    const rows = location ? (await loadDataset(spec.name, { dataDir, hub: null, ...(location.kind === 'hub-cache' ? { hub } : {}) })).problems.length : null;
    entries.push({
      name: spec.name,
      title: spec.title,
      inPaper: spec.inPaper,
      rows,
      expectedRows: spec.expectedRows,
      location: location ? { kind: location.kind, paths: location.paths } : null,
      hub: spec.hub ? { note: spec.hub.note, urls: hubAddresses(spec, hub.endpoint) } : null,
    });
  }
  if (flags.json) {
    for (const entry of entries) console.log(JSON.stringify(entry));
    return;
  }
  console.log(`data folder: ${dataDir}`);
  console.log(`${'name'.padEnd(12)} ${'paper'.padEnd(5)} ${'rows'.padStart(6)}  where`);
  for (const entry of entries) {
    const where = entry.location
      ? `${entry.location.kind === 'hub-cache' ? 'hub cache' : 'data folder'}: ${entry.location.paths.length === 1 ? entry.location.paths[0] : `${entry.location.paths.length} files under ${join(entry.location.paths[0]!, '..', '..')}`}`
      : entry.hub
        ? `not on this machine (download: mathcoder datasets download ${entry.name}, from ${entry.hub.note})`
        : 'not on this machine (no hub copy: put it in the data folder)';
    console.log(`${entry.name.padEnd(12)} ${(entry.inPaper ? 'yes' : '').padEnd(5)} ${String(entry.rows ?? `(${entry.expectedRows})`).padStart(6)}  ${where}`);
  }
}

/** `mathcoder datasets download`: the named sets from the hub into the cache. */
export async function downloadDatasets(names: readonly string[], flags: DatasetsFlags): Promise<void> {
  const { hub, dataDir } = resolve(flags);
  for (const name of names) {
    let progress: ProgressReporter | null = null;
    let current = '';
    const dataset = await loadDataset(name, {
      dataDir,
      hub,
      onDownloadProgress: ({ file, receivedBytes, totalBytes }) => {
        if (file.path !== current) {
          progress?.stop();
          current = file.path;
          progress = createProgress({ label: `${name} ${file.repo}/${file.path}`, total: totalBytes ?? receivedBytes, unit: '', formatValue: formatMegabytes });
        }
        progress!.update(receivedBytes);
      },
    });
    (progress as ProgressReporter | null)?.stop();
    console.log(`${name}: ${dataset.problems.length} rows (${dataset.location.kind === 'hub-cache' ? 'hub cache' : 'data folder'}: ${dataset.location.paths.join(', ')})`);
  }
}

