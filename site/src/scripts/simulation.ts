/**
 * The simulation widget: runs a pattern scenario from `patterns/<slug>/scenario.ts` (the real
 * toolkit and simulator code) in the browser, then plays the result back over virtual time with
 * baseline and pattern charted side by side.
 */
import type { KnobSpecs, Scenario, ScenarioResult } from '@keel/sim';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

type Loader = () => Promise<unknown>;
type State = 'idle' | 'computing' | 'playing' | 'paused' | 'done';

/** Real milliseconds a whole run takes to play back. */
const PLAYBACK_MS = 8_000;
const COLORS = { baseline: '#c2410c', pattern: '#1d4ed8' } as const;

const isScenario = (value: unknown): value is Scenario =>
  typeof value === 'object' && value !== null && typeof (value as Scenario).run === 'function';

function findScenario(module: unknown, id: string): Scenario {
  const found = Object.values(module as Record<string, unknown>).find(
    (v): v is Scenario => isScenario(v) && v.id === id,
  );
  if (!found) throw new Error(`scenario "${id}" not found`);
  return found;
}

function readKnobs(form: HTMLFormElement, specs: KnobSpecs): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
    if (!field) continue;
    if (spec.type === 'number') values[name] = Number(field.value);
    else if (spec.type === 'boolean') values[name] = (field as HTMLInputElement).checked;
    else values[name] = field.value;
  }
  return values;
}

const formatNumber = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 });

function summaryTable(result: ScenarioResult): HTMLTableElement {
  const table = document.createElement('table');
  table.innerHTML =
    '<caption>At the end of the run</caption><thead><tr><th scope="col">Measure</th>' +
    '<th scope="col">Baseline</th><th scope="col">With the pattern</th></tr></thead>';
  const body = table.createTBody();
  for (const row of result.summary.rows) {
    const tr = body.insertRow();
    const improved = row.better === 'higher' ? row.pattern > row.baseline : row.pattern < row.baseline;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = `${row.label} (${row.unit})`;
    tr.append(th);
    tr.insertCell().textContent = formatNumber(row.baseline);
    const cell = tr.insertCell();
    cell.textContent = formatNumber(row.pattern) + (improved ? ' (better)' : '');
    if (improved) cell.className = 'better';
  }
  return table;
}

/**
 * Wires one `section.sim` rendered by the Simulation component to its scenario.
 */
export async function mountSimulation(section: HTMLElement, load: Loader): Promise<void> {
  const id = section.dataset.scenario!;
  const scenario = findScenario(await load(), id);
  const series: string[] = JSON.parse(section.dataset.series ?? '[]');
  const durationMs = Number(section.dataset.duration) || scenario.defaultDurationMs;
  const form = section.querySelector('form')!;
  const status = section.querySelector<HTMLElement>('.sim-status')!;
  const chartsBox = section.querySelector<HTMLElement>('.sim-charts')!;
  const summaryBox = section.querySelector<HTMLElement>('.sim-summary')!;
  const play = section.querySelector<HTMLButtonElement>('[data-action="play"]')!;
  const pause = section.querySelector<HTMLButtonElement>('[data-action="pause"]')!;
  const reset = section.querySelector<HTMLButtonElement>('[data-action="reset"]')!;

  let result: ScenarioResult | undefined;
  let charts: { plot: uPlot; column: string }[] = [];
  let cursor = 0; // virtual ms revealed so far
  let frame = 0;
  let lastTick = 0;
  let generation = 0; // bumps on reset so a run in progress is discarded

  const setState = (state: State, message: string) => {
    section.dataset.state = state;
    status.textContent = message;
    play.disabled = state === 'playing' || state === 'computing';
    pause.disabled = state !== 'playing';
  };

  const columnsFor = (column: string, variant: 'baseline' | 'pattern'): number[] =>
    result?.series[variant]?.columns[column] ?? [];

  const draw = () => {
    if (!result) return;
    const t = result.series.baseline!.t;
    section.dataset.virtualTime = String(Math.round(cursor));
    const xs = t.map((ms) => ms / 1000);
    for (const { plot, column } of charts) {
      const reveal = (values: number[]) =>
        t.map((ms, i) => (ms <= cursor && Number.isFinite(values[i]) ? values[i]! : null));
      plot.setData(
        [xs, reveal(columnsFor(column, 'baseline')), reveal(columnsFor(column, 'pattern'))],
        false,
      );
      plot.redraw(false, true);
    }
  };

  const buildCharts = () => {
    chartsBox.replaceChildren();
    charts = [];
    if (!result) return;
    const t = result.series.baseline!.t;
    const xs = t.map((ms) => ms / 1000);
    const available = series.filter((c) => c in (result!.series.baseline?.columns ?? {}));
    const width = Math.max(260, Math.min(chartsBox.clientWidth || 640, 720));
    for (const column of available) {
      const figure = document.createElement('figure');
      figure.className = 'sim-chart';
      figure.setAttribute('role', 'img');
      figure.setAttribute('aria-label', `${column} over virtual time, baseline against the pattern`);
      const caption = document.createElement('figcaption');
      const windowS = (result.series.baseline?.windowMs ?? 1000) / 1000;
      caption.textContent = `${column} (per ${windowS} s window)`;
      figure.append(caption);
      chartsBox.append(figure);
      const all = [...columnsFor(column, 'baseline'), ...columnsFor(column, 'pattern')].filter(
        Number.isFinite,
      );
      const top = Math.max(1, ...all);
      const plot = new uPlot(
        {
          width,
          height: 180,
          scales: { x: { time: false, range: [0, durationMs / 1000] }, y: { range: [0, top * 1.05] } },
          axes: [{ label: 'virtual time (s)' }, {}],
          series: [
            {},
            { label: 'baseline', stroke: COLORS.baseline, width: 2 },
            { label: 'pattern', stroke: COLORS.pattern, width: 2 },
          ],
          legend: { show: true, live: false },
        },
        [xs, xs.map(() => null), xs.map(() => null)],
        figure,
      );
      charts.push({ plot, column });
    }
  };

  const tick = (now: number) => {
    if (section.dataset.state !== 'playing') return;
    const elapsed = lastTick === 0 ? 0 : now - lastTick;
    lastTick = now;
    cursor = Math.min(durationMs, cursor + (elapsed * durationMs) / PLAYBACK_MS);
    draw();
    if (cursor >= durationMs) {
      summaryBox.replaceChildren(summaryTable(result!));
      setState('done', 'Finished. Change the seed or the knobs and press Reset, then Play, to run again.');
      return;
    }
    status.textContent = `Playing: ${(cursor / 1000).toFixed(1)} s of ${durationMs / 1000} s virtual time.`;
    frame = requestAnimationFrame(tick);
  };

  const startPlayback = () => {
    lastTick = 0;
    setState('playing', 'Playing.');
    frame = requestAnimationFrame(tick);
  };

  const compute = async () => {
    const mine = ++generation;
    const seed = Math.max(
      0,
      Math.floor(Number((form.elements.namedItem('seed') as HTMLInputElement).value) || 0),
    );
    setState('computing', 'Simulating...');
    let lastYield = performance.now();
    try {
      const knobs = readKnobs(form, scenario.knobs);
      const run = await scenario.run(seed, knobs as never, {
        durationMs,
        onProgress: async (p) => {
          // Yield to the page now and then so the progress text updates and buttons respond.
          if (performance.now() - lastYield < 50) return;
          status.textContent = `Simulating: ${Math.round(p.overall * 100)}%`;
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        },
      });
      if (mine !== generation) return;
      result = run;
      cursor = 0;
      summaryBox.replaceChildren();
      buildCharts();
      startPlayback();
    } catch (error) {
      if (mine !== generation) return;
      setState('idle', `The simulation could not run: ${(error as Error).message}`);
    }
  };

  const doReset = () => {
    generation++;
    cancelAnimationFrame(frame);
    result = undefined;
    cursor = 0;
    for (const { plot } of charts) plot.destroy();
    charts = [];
    chartsBox.replaceChildren();
    summaryBox.replaceChildren();
    delete section.dataset.virtualTime;
    setState('idle', 'Ready. Press Play to run the simulation.');
  };

  play.addEventListener('click', () => {
    if (!result) void compute();
    else if (section.dataset.state === 'done') {
      cursor = 0;
      summaryBox.replaceChildren();
      startPlayback();
    } else startPlayback();
  });
  pause.addEventListener('click', () => {
    cancelAnimationFrame(frame);
    setState('paused', `Paused at ${(cursor / 1000).toFixed(1)} s of virtual time.`);
  });
  reset.addEventListener('click', doReset);
  form.addEventListener('input', (event) => {
    const target = event.target as HTMLInputElement;
    const output = form.elements.namedItem(`${target.name}-value`) as HTMLOutputElement | null;
    if (output) output.value = target.value;
    // New inputs mean a new world: drop the old run.
    if (result || section.dataset.state === 'computing') doReset();
  });
  section.dataset.ready = 'true';
  if (section.dataset.autoplay) void compute();
}
