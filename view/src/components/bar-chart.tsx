import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface BarSeries {
  readonly label: string;
  readonly values: readonly number[];
  readonly color: string;
}

export interface BarChartProps {
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly BarSeries[];
  /** Values are percentages (0–100): the axis ends at 100 and shows %. */
  readonly percent?: boolean;
  readonly horizontal?: boolean;
  readonly testId?: string;
}

/** A bar chart (Chart.js on a canvas), redrawn when its data change; no animation. */
export function BarChart({ title, labels, series, percent = false, horizontal = false, testId }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const valueAxis = { beginAtZero: true, ...(percent ? { max: 100, ticks: { callback: (value: string | number) => `${value}%` } } : { ticks: { precision: 0 } }) };
    const chart = new Chart(canvas.current!, {
      type: 'bar',
      data: { labels: [...labels], datasets: series.map((item) => ({ label: item.label, data: [...item.values], backgroundColor: item.color })) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: { legend: { display: series.length > 1 }, tooltip: { enabled: true } },
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
      },
    });
    return () => chart.destroy();
  }, [labels, series, percent, horizontal]);
  const height = horizontal ? Math.max(160, 28 * labels.length + 60) : 260;
  return (
    <figure class="chart" data-testid={testId} data-labels={labels.join(',')}>
      <figcaption>{title}</figcaption>
      <div style={{ position: 'relative', height: `${height}px` }}>
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
    </figure>
  );
}
