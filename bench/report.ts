/**
 * Turns one run's results into the printed table, the target check and an SVG chart.
 */

export interface Panel {
  title: string;
  unit: string;
  /** Value per server; lower is better for every panel. NaN = did not finish. */
  values: Record<string, number>;
}

export interface TargetCheck {
  target: string;
  inkwell: number;
  bestPeer: number;
  /** inkwell / bestPeer where the target is a ratio; otherwise the absolute bound. */
  ratio: number | null;
  met: boolean;
}

const COLORS: Record<string, string> = {
  inkwell: '#2f6fdb',
  hocuspocus: '#e07b39',
  'y-websocket-server': '#6b8e23',
};

/** The lowest value among the servers other than Inkwell (the best peer for lower-is-better numbers). */
export function bestPeer(values: Record<string, number>): number {
  const peers = Object.entries(values)
    // Inkwell on its other storage is not a peer.
    .filter(([name, value]) => !name.startsWith('inkwell') && Number.isFinite(value))
    .map(([, value]) => value);
  return peers.length === 0 ? NaN : Math.min(...peers);
}

export function ratioTarget(target: string, values: Record<string, number>, maxRatio: number): TargetCheck {
  const inkwell = values.inkwell ?? NaN;
  const best = bestPeer(values);
  const ratio = inkwell / best;
  return { target, inkwell, bestPeer: best, ratio: +ratio.toFixed(2), met: ratio <= maxRatio };
}

export function boundTarget(target: string, inkwell: number, met: boolean, bestPeerValue = NaN): TargetCheck {
  return { target, inkwell, bestPeer: bestPeerValue, ratio: null, met };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return 'did not finish';
  if (Number.isInteger(value) || value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * Small multiples: one panel per measure, one bar per server, each bar labelled with its
 * value, so the chart reads without a legend lookup. Lower is better everywhere.
 */
export function renderChart(panels: Panel[], subtitle: string): string {
  const columns = 2;
  const panelWidth = 470;
  const barHeight = 22;
  const servers = [...new Set(panels.flatMap((panel) => Object.keys(panel.values)))];
  const panelHeight = 44 + servers.length * (barHeight + 8);
  const labelWidth = 150;
  const barSpace = panelWidth - labelWidth - 110;
  const width = columns * panelWidth + 20;
  const height = 70 + Math.ceil(panels.length / columns) * (panelHeight + 14);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="14" y="28" font-size="18" font-weight="600" fill="#1d1d1f">Inkwell vs Hocuspocus vs y-websocket-server (lower is better)</text>`,
    `<text x="14" y="50" font-size="12" fill="#5f6368">${escapeXml(subtitle)}</text>`,
  ];
  panels.forEach((panel, index) => {
    const x = 10 + (index % columns) * panelWidth;
    const y = 66 + Math.floor(index / columns) * (panelHeight + 14);
    const finite = Object.values(panel.values).filter(Number.isFinite);
    const max = Math.max(...finite, 1e-9);
    parts.push(
      `<g transform="translate(${x},${y})">`,
      `<rect width="${panelWidth - 10}" height="${panelHeight}" rx="6" fill="#f7f8fa" stroke="#e3e5e8"/>`,
      `<text x="12" y="22" font-size="13" font-weight="600" fill="#1d1d1f">${escapeXml(panel.title)} <tspan font-weight="400" fill="#5f6368">(${escapeXml(panel.unit)})</tspan></text>`,
    );
    servers.forEach((server, row) => {
      const value = panel.values[server] ?? NaN;
      const by = 34 + row * (barHeight + 8);
      const length = Number.isFinite(value) ? Math.max(2, (value / max) * barSpace) : 0;
      parts.push(
        `<text x="12" y="${by + 15}" font-size="12" fill="#1d1d1f"${server === 'inkwell' ? ' font-weight="600"' : ''}>${escapeXml(server)}</text>`,
        `<rect x="${labelWidth}" y="${by}" width="${length.toFixed(1)}" height="${barHeight}" rx="3" fill="${COLORS[server] ?? '#888'}"/>`,
        `<text x="${labelWidth + length + 6}" y="${by + 15}" font-size="12" fill="#1d1d1f">${escapeXml(formatValue(value))}</text>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
