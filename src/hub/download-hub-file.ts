import type { DownloadOptions, DownloadResult } from './download.js';
import { downloadFile } from './download.js';
import type { HubConfig } from './hub-config.js';
import { hubCachePath, hubFileUrl, type HubFile } from './hub-file.js';

export type HubDownloadOptions = Omit<DownloadOptions, 'url' | 'destination' | 'token'>;

/** Downloads a hub file into the cache (once; later calls find it there) and returns where it is. */
export function downloadHubFile(config: HubConfig, file: HubFile, options: HubDownloadOptions = {}): Promise<DownloadResult> {
  return downloadFile({
    ...options,
    url: hubFileUrl(config.endpoint, file),
    destination: hubCachePath(config.cacheDir, file),
    ...(config.token ? { token: config.token } : {}),
  });
}
