// Every chart on screen. Plotly draws each figure once: Streamlit's own chart element (1.67)
// hands plotly.js a re-themed copy of the figure after mounting and every chart is drawn twice.
// Charts in or near the window are drawn at once; the others when the browser is idle after
// that, or when scrolled near, or before printing: the page shows all of them without a click.
// Nothing here is data: the figure comes as JSON from the server and goes to plotly.js as is.

// No mode bar: a card has its own PNG/SVG downloads, and zooming a bar or forest chart of a few
// rows shows nothing new (each chart drew about a fifth faster without it). Hover stays.
const CONFIG = { displaylogo: false, displayModeBar: false, responsive: false };
const MIN_WIDTH = 150;
const shared = window.__phasewiseCharts || (window.__phasewiseCharts = {
  pending: new Set(), plotly: null, idle: 0, near: null, resized: null,
});

function scriptAddress() {
  // plotly.js is served beside the app's own scripts (the app's static folder), under the same
  // base path as the page (a proxy may serve the app below a path).
  const own = document.querySelector('script[src*="/static/js/"]');
  const base = own ? own.src.split('static/js/')[0] : `${window.location.origin}/`;
  return `${base}app/static/plotly.min.js`;
}

function plotly() {
  if (!shared.plotly) {
    shared.plotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement('script');
      script.src = scriptAddress();
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { shared.plotly = null; reject(new Error('plotly.js not loaded')); };
      document.head.appendChild(script);
    });
  }
  return shared.plotly;
}

function nearWindow(box) {
  const rect = box.getBoundingClientRect();
  return rect.top < window.innerHeight * 1.25 && rect.bottom > -window.innerHeight * 0.25;
}

function draw(box) {
  shared.pending.delete(box);
  if (shared.near) shared.near.unobserve(box);
  if (!box.isConnected || box.__drawn === box.__figure) return;
  box.__drawn = box.__figure;
  box.__draws = (box.__draws || 0) + 1;  // per figure: read by the browser tests
  const figure = JSON.parse(box.__figure);
  const layout = figure.layout || {};
  if (!box.__fixedWidth) layout.width = Math.max(box.clientWidth, MIN_WIDTH);
  window.Plotly.react(box, figure.data || [], layout, CONFIG);
}

function drawWhenIdle() {
  if (shared.idle) return;
  const next = () => {
    shared.idle = 0;
    const box = [...shared.pending].find((b) => b.isConnected);
    if (!box) { shared.pending.clear(); return; }
    draw(box);
    if (shared.pending.size) shared.idle = window.requestIdleCallback(next, { timeout: 400 });
  };
  shared.idle = window.requestIdleCallback(next, { timeout: 400 });
}

function watchers() {
  if (shared.near) return;
  shared.near = new IntersectionObserver((entries) => {
    entries.filter((e) => e.isIntersecting && shared.pending.has(e.target))
      .forEach((e) => draw(e.target));
  }, { rootMargin: '50% 0px' });
  shared.resized = new ResizeObserver((entries) => {
    entries.forEach(({ target }) => {
      if (!target.__drawn || target.__fixedWidth || !target.layout) return;
      const width = Math.max(target.clientWidth, MIN_WIDTH);
      if (Math.abs((target.layout.width || 0) - width) > 1) {
        window.Plotly.relayout(target, { width });
      }
    });
  });
  // A printed page is drawn from the DOM as it is: every chart first.
  window.addEventListener('beforeprint', () => [...shared.pending].forEach(draw));
}

export default function (component) {
  const { data, parentElement } = component;
  let box = parentElement.querySelector(':scope > .phasewise-chart');
  if (!box) {
    box = document.createElement('div');
    box.className = 'phasewise-chart';
    box.setAttribute('data-testid', 'phasewise-chart');
    parentElement.appendChild(box);
  }
  if (box.__figure !== data.figure) box.__draws = 0;
  box.__figure = data.figure;
  box.__fixedWidth = Boolean(data.fixed_width);
  box.style.minHeight = `${data.height}px`;
  if (box.__fixedWidth) box.style.width = `${data.width}px`;
  watchers();
  shared.resized.observe(box);
  if (box.__drawn === box.__figure) return undefined;
  shared.pending.add(box);
  plotly().then(() => {
    if (!shared.pending.has(box)) return;
    if (data.eager || nearWindow(box)) {
      draw(box);
    } else {
      shared.near.observe(box);
      drawWhenIdle();
    }
  });
  return () => {
    shared.pending.delete(box);
    shared.near.unobserve(box);
    shared.resized.unobserve(box);
  };
}
