// Charts: uPlot for the evidence trace and the history, a hand-made SVG polyline for tile sparklines.
import uPlot from 'uplot';

const SVG = 'http://www.w3.org/2000/svg';

/** A small sparkline (decorative: the value is shown as text beside it). */
export function sparkline(values, width = 120, height = 28) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  updateSparkline(svg, values);
  return svg;
}

export function updateSparkline(svg, values) {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  let line = svg.querySelector('polyline');
  if (!line) {
    line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', 'currentColor');
    line.setAttribute('stroke-width', '1.5');
    svg.appendChild(line);
  }
  if (!values || values.length < 2) {
    line.setAttribute('points', '');
    return;
  }
  const max = Math.max(...values, 1);
  const step = width / (values.length - 1);
  line.setAttribute('points', values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' '));
}

function widthOf(el) {
  return Math.max(260, Math.floor(el.clientWidth || el.parentElement?.clientWidth || 600));
}

const charts = new Map();

/** Replaces the chart in <paramref name="el"/>; the chart follows the element's width. */
function plot(el, opts, data) {
  charts.get(el)?.destroy();
  el.replaceChildren();
  const chart = new uPlot({ width: widthOf(el), height: 220, ...opts }, data, el);
  charts.set(el, chart);
  return chart;
}

export function clearChart(el) {
  charts.get(el)?.destroy();
  charts.delete(el);
  el.replaceChildren();
}

window.addEventListener('resize', () => {
  for (const [el, chart] of charts) {
    if (el.isConnected && el.clientWidth > 0) {
      chart.setSize({ width: widthOf(el), height: 220 });
    }
  }
});

/** The evidence trace: x, y, z and |a| in g against seconds from the event. */
export function evidenceChart(el, trace) {
  const n = Math.min(trace.x.length, trace.y.length, trace.z.length);
  const t = new Array(n);
  const x = new Array(n);
  const y = new Array(n);
  const z = new Array(n);
  const m = new Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = (trace.startMicros + (i * 1e6) / trace.rateHz - trace.eventTimeMicros) / 1e6;
    x[i] = trace.x[i] / 1000;
    y[i] = trace.y[i] / 1000;
    z[i] = trace.z[i] / 1000;
    m[i] = Math.sqrt(x[i] * x[i] + y[i] * y[i] + z[i] * z[i]);
  }
  return plot(el, {
    scales: { x: { time: false } },
    axes: [{ label: 'seconds from the event' }, { label: 'g' }],
    series: [
      { label: 's', value: (u, v) => (v == null ? '' : v.toFixed(2)) },
      { label: 'x', stroke: '#1565c0', width: 1 },
      { label: 'y', stroke: '#2e7d32', width: 1 },
      { label: 'z', stroke: '#6a1b9a', width: 1 },
      { label: '|a|', stroke: '#b00020', width: 2 },
    ],
  }, [t, x, y, z, m]);
}

/** Sway windows over time: combined RMS (AP and ML) in milli-g. */
export function swayChart(el, items) {
  const t = items.map((w) => w.endMicros / 1e6);
  const rms = items.map((w) => Math.sqrt(w.rmsAp * w.rmsAp + w.rmsMl * w.rmsMl));
  const tilt = items.map((w) => w.tiltDeg);
  return plot(el, {
    axes: [{}, { label: 'sway RMS (mg)' }, { side: 1, scale: 'deg', label: 'tilt (°)', grid: { show: false } }],
    scales: { deg: {} },
    series: [
      {},
      { label: 'sway RMS (mg)', stroke: '#1565c0', width: 1.5 },
      { label: 'tilt (°)', stroke: '#6d4c41', width: 1, scale: 'deg' },
    ],
  }, [t, rms, tilt]);
}

/** Events per bin (hour for a day, day for a week or month), one bar series per kind. */
export function eventsChart(el, items, from, to, binSeconds) {
  const start = Math.floor(from.getTime() / 1000);
  const bins = Math.max(1, Math.ceil((to.getTime() / 1000 - start) / binSeconds));
  const t = Array.from({ length: bins }, (_, i) => start + i * binSeconds);
  const kinds = [['fall', 'falls', '#b00020'], ['near_fall', 'near-falls', '#e65100'], ['sway_elevated', 'sway elevated', '#1565c0']];
  const counts = kinds.map(() => new Array(bins).fill(0));
  for (const e of items) {
    const k = kinds.findIndex(([kind]) => kind === e.kind);
    const i = Math.floor((e.timeMicros / 1e6 - start) / binSeconds);
    if (k >= 0 && i >= 0 && i < bins) {
      counts[k][i]++;
    }
  }
  const bars = uPlot.paths.bars({ size: [0.8, 40] });
  return plot(el, {
    axes: [{}, { label: 'events' }],
    series: [{}, ...kinds.map(([, label, color]) => ({ label, stroke: color, fill: `${color}99`, paths: bars, points: { show: false } }))],
  }, [t, ...counts]);
}
