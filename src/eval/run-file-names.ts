/** A run is a folder: its manifest, its append-only results, and the report made from them. */
export const RUN_FILES = { manifest: 'manifest.json', results: 'results.jsonl', report: 'report.md' } as const;
