/** A run's report as Markdown (report.md), JSON (one object per dataset a line) or CSV: the choices of `report --format`. */
export const REPORT_FORMATS = ['md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
