// The report page's only script: the table filter and the two charts. Everything readable is
// already in the HTML; data comes from the JSON block and is written with textContent or into
// Chart.js, never as markup, so nothing in a check's reason can run here.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);

  // ---- checks table filter
  const rows = Array.from(document.querySelectorAll('table.checks tbody tr'));
  const text = document.getElementById('filter-text');
  const selects = ['layer', 'status', 'kind'].map((name) => [
    name,
    document.getElementById(`filter-${name}`),
  ]);
  const counter = document.getElementById('filter-count');
  const noMatch = document.getElementById('no-match');
  const haystacks = new Map(rows.map((row) => [row, row.textContent.toLowerCase()]));

  function applyFilter() {
    const needle = text.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const visible =
        (!needle || haystacks.get(row).includes(needle)) &&
        selects.every(([name, select]) => !select.value || row.dataset[name] === select.value);
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    counter.textContent = `${shown} of ${rows.length} checks`;
    noMatch.hidden = shown > 0 || rows.length === 0;
  }
  text.addEventListener('input', applyFilter);
  for (const [, select] of selects) select.addEventListener('change', applyFilter);

  if (typeof Chart === 'undefined') return;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  // ---- rate-limit probe: each request at (time sent, request number), coloured by status
  const probe = data.probe;
  const probeCanvas = document.getElementById('probe-chart');
  if (probe && probeCanvas && probe.timeline && probe.timeline.length > 0) {
    const limit = probe.rateLimit.limit;
    const windowMs = probe.rateLimit.windowSeconds === null ? null : probe.rateLimit.windowSeconds * 1000;
    const byStatus = new Map();
    probe.timeline.forEach((point, index) => {
      if (!byStatus.has(point.status)) byStatus.set(point.status, []);
      byStatus.get(point.status).push({ x: point.t / 1000, y: index + 1 });
    });
    const colourOf = (status) => {
      if (status >= 200 && status < 300) return '#1a7f37';
      if (status === probe.rateLimit.rejectStatus) return '#cf222e';
      if (status >= 500) return '#8250df';
      if (status >= 400) return '#bc4c00';
      return '#57606a';
    };
    const datasets = Array.from(byStatus.keys())
      .sort((a, b) => a - b)
      .map((status) => ({
        label: status === 0 ? 'no answer' : `HTTP ${status}`,
        data: byStatus.get(status),
        backgroundColor: colourOf(status),
        borderColor: colourOf(status),
        pointRadius: 3,
      }));
    const lastT = probe.timeline[probe.timeline.length - 1].t;
    // The limiter's window may have opened before the probe's first request (another client, an
    // earlier run): the guides start where it opened, which the report computed from a readmission.
    const windowStart =
      typeof data.probeWindowStartMs === 'number' ? data.probeWindowStartMs : probe.timeline[0].t;
    const seconds = (ms) => Math.round(ms / 10) / 100;
    const windowSteps = (first, length) => {
      const steps = [];
      for (let start = first; start <= lastT && steps.length < 200; start += length)
        steps.push([start, start + length]);
      return steps;
    };

    // Chart.js draws data; the found limit and the window boundaries are guides on top of it.
    const guides = {
      id: 'probeGuides',
      afterDatasetsDraw(chart) {
        const { ctx, chartArea, scales } = chart;
        ctx.save();
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        ctx.font = '12px sans-serif';
        if (limit !== null) {
          // Request numbers keep counting across windows, so each window's budget ends `limit`
          // requests after the ones sent before it: a staircase, one step per window.
          const steps =
            windowMs === null || windowMs <= 0
              ? [[probe.timeline[0].t, Infinity]]
              : windowSteps(windowStart, windowMs);
          ctx.strokeStyle = '#cf222e';
          ctx.fillStyle = '#cf222e';
          steps.forEach(([start, end], index) => {
            const before = probe.timeline.filter((point) => point.t < start).length;
            const y = scales.y.getPixelForValue(before + limit);
            const x0 = Math.max(chartArea.left, scales.x.getPixelForValue(start / 1000));
            const x1 = Math.min(chartArea.right, scales.x.getPixelForValue(end / 1000));
            if (x1 <= x0 || y < chartArea.top) return;
            ctx.beginPath();
            ctx.moveTo(x0, y);
            ctx.lineTo(x1, y);
            ctx.stroke();
            if (index === 0) {
              const per = windowMs === null ? '' : ` per ${seconds(windowMs)} s`;
              // At the step's right end: requests crowd the start of a window.
              ctx.textAlign = 'right';
              ctx.fillText(`limit found: ${limit} requests${per}`, x1 - 8, y - 6);
              ctx.textAlign = 'left';
            }
          });
        }
        if (windowMs !== null && windowMs > 0) {
          ctx.strokeStyle = '#0969da';
          ctx.fillStyle = '#0969da';
          for (let t = windowStart, k = 0; t <= lastT + windowMs && k < 200; t += windowMs, k += 1) {
            const x = scales.x.getPixelForValue(t / 1000);
            if (x < chartArea.left || x > chartArea.right) continue;
            ctx.beginPath();
            ctx.moveTo(x, chartArea.top);
            ctx.lineTo(x, chartArea.bottom);
            ctx.stroke();
            ctx.fillText(
              k === 0 ? `window opened (${seconds(windowMs)} s)` : `+${seconds(k * windowMs)} s`,
              x + 4,
              chartArea.top + 12,
            );
          }
        }
        ctx.restore();
      },
    };
    new Chart(probeCanvas, {
      type: 'scatter',
      data: { datasets },
      options: {
        scales: {
          x: {
            title: { display: true, text: 'seconds since the probe started' },
            min: Math.min(0, Math.floor(windowStart / 1000)),
          },
          y: { title: { display: true, text: 'request number' }, beginAtZero: true },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: request ${item.raw.y} at ${item.raw.x.toFixed(2)} s`,
            },
          },
        },
      },
      plugins: [guides],
    });
  }

  // ---- trend of the counts over earlier runs and this one, oldest first
  const trendCanvas = document.getElementById('trend-chart');
  if (trendCanvas && data.gate.history) {
    const runs = data.gate.history
      .slice()
      .reverse()
      .concat([{ startedAt: data.gate.startedAt, counts: data.gate.counts, target: data.gate.target }]);
    const series = [
      ['passed', '#1a7f37'],
      ['failed', '#cf222e'],
      ['skipped', '#57606a'],
      ['findings', '#bc4c00'],
    ];
    new Chart(trendCanvas, {
      type: 'line',
      data: {
        labels: runs.map((run) => `${run.startedAt.slice(0, 16).replace('T', ' ')} ${run.target.name}`),
        datasets: series.map(([key, colour]) => ({
          label: key,
          data: runs.map((run) => run.counts[key]),
          borderColor: colour,
          backgroundColor: colour,
        })),
      },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: 'checks' } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  // ---- load latency percentiles per endpoint
  const latency = data.latency;
  const latencyCanvas = document.getElementById('latency-chart');
  if (latencyCanvas && latency.length > 0) {
    const runs = new Set(latency.map((row) => row.run));
    const labels = latency.map((row) => (runs.size > 1 ? `${row.endpoint} (${row.run})` : row.endpoint));
    const series = [
      ['median', 'med', '#54aeff'],
      ['p95', 'p95', '#0969da'],
      ['p99', 'p99', '#0a3069'],
    ];
    new Chart(latencyCanvas, {
      type: 'bar',
      data: {
        labels,
        datasets: series.map(([label, key, colour]) => ({
          label,
          data: latency.map((row) => (row[key] === undefined ? null : row[key])),
          backgroundColor: colour,
        })),
      },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: 'milliseconds' } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }
})();
