import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  /** A CSS color or variable (`var(--accent)`); resolved for the canvas. */
  color: string;
}

/** A CSS color as the canvas needs it (light-dark() and variables resolved). */
function resolveColor(color: string): string {
  const probe = document.createElement('span');
  probe.style.color = color;
  document.body.append(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  return resolved;
}

/**
 * One uPlot chart of the last minutes: `data[0]` is time in seconds, then one array per
 * series. uPlot redraws from new arrays cheaply, which suits a chart fed once a second.
 */
export function TimeChart(props: {
  title: string;
  series: Series[];
  data: uPlot.AlignedData;
  unit?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const { title, series, unit } = props;

  useEffect(() => {
    const element = host.current!;
    const axisColor = resolveColor('var(--ink-soft)');
    const gridColor = resolveColor('var(--line)');
    const axis = { stroke: axisColor, grid: { stroke: gridColor }, ticks: { stroke: gridColor } };
    plot.current = new uPlot(
      {
        width: element.clientWidth || 400,
        height: 160,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: resolveColor(s.color), width: 2 }))],
        axes: [axis, { ...axis, label: unit, size: 60 }],
        legend: { show: true },
      },
      [[], ...series.map(() => [])],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: element.clientWidth, height: 160 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The series are fixed per chart.
  }, []);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  return (
    <figure className="admin-chart">
      <figcaption>{title}</figcaption>
      <div ref={host} />
    </figure>
  );
}
