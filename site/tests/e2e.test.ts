/**
 * End-to-end tests in headless Chromium against the built site served on localhost: every
 * index, the selector for every problem, a full quiz sitting, the matrix, the graph, search,
 * a simulation whose chart changes while it plays, accessibility (axe-core) on key pages,
 * screenshots, and no console errors anywhere.
 *
 * Needs /usr/bin/chromium; without it the suite is skipped loudly, or fails when
 * KEEL_REQUIRE_SERVICES=1.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../scripts/serve.mjs';
import { CATALOG, DIST, requireBuild, simulatedSlugs } from './built-site';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = process.env.KEEL_REQUIRE_SERVICES === '1';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/site/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

if (!available) {
  const message = `${CHROMIUM} not found: the site's browser tests cannot run`;
  if (required) throw new Error(`${message} (KEEL_REQUIRE_SERVICES=1)`);
  console.warn(`\n*** SKIPPED: ${message}. Install Debian's chromium to run them. ***\n`);
}

describe.skipIf(!available)('the built site in Chromium', () => {
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let profile: string;
  const consoleErrors: string[] = [];
  const loadTimes: { path: string; ms: number; bytes: number }[] = [];

  beforeAll(async () => {
    requireBuild();
    const started = (await serve(DIST, 0)) as { server: Server; url: string };
    server = started.server;
    base = started.url.replace(/\/$/, '');
    profile = mkdtempSync(join(tmpdir(), 'keel-site-chromium-'));
    // A fresh profile each run; Playwright passes it to Chromium as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Opens a page, records console errors and its load time and transferred bytes. */
  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
    await page.goto(base + path, { waitUntil: 'load' });
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const bytes = resources.reduce((sum, r) => sum + r.encodedBodySize, nav.encodedBodySize);
      return { ms: nav.loadEventEnd - nav.startTime, bytes };
    });
    loadTimes.push({ path, ...timing });
    return page;
  }

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function axe(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as { axe: { run: (context: unknown, options?: unknown) => Promise<any> } }
      ).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      });
      return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]).map(
        (v) => ({
          id: v.id,
          impact: v.impact,
          targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
        }),
      );
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
  }

  it('navigates from every index to pattern pages', async () => {
    const indexes = ['/categories/', '/problems/', '/difficulty/', '/popular/', '/paths/', '/patterns/'];
    for (const index of indexes) {
      const page = await open(index);
      const links = page.locator('main a[href^="/patterns/"]:not([href="/patterns/"])');
      expect(await links.count(), index).toBeGreaterThan(0);
      const href = await links.last().getAttribute('href');
      await Promise.all([page.waitForURL(`**${href}`), links.last().click()]);
      await expect(page.locator('h1').textContent()).resolves.toBeTruthy();
      // The page shows the catalog's facts and links onward.
      expect(await page.locator('dl.pattern-meta').count(), href!).toBe(1);
      expect(await page.locator('a[rel="next"], a[rel="prev"]').count(), href!).toBeGreaterThan(0);
      await page.close();
    }
    const popular = await open('/popular/');
    const popularCount = CATALOG.patterns.filter((p) => (p as { popular?: boolean }).popular).length;
    expect(await popular.locator('main .card-grid > li').count()).toBe(popularCount);
    await screenshot(popular, 'popular');
    await popular.close();
  });

  it('follows a pattern page to its neighbours and related patterns', async () => {
    const page = await open('/patterns/saga/');
    expect(await page.locator('h1').textContent()).toContain('Saga');
    for (const section of [
      'Problem',
      'Solution',
      'Implementation',
      'Trade-offs',
      'Use cases',
      'Related patterns',
      'Case studies',
    ])
      expect(await page.locator('h2', { hasText: section }).count(), section).toBeGreaterThan(0);
    // The diagram is drawn: one image with a name, and its Mermaid source a click away.
    const diagram = page.getByRole('img', { name: /^Sequence diagram/ });
    expect(await diagram.count()).toBe(1);
    expect(await diagram.evaluate((svg) => svg.getBoundingClientRect().width)).toBeGreaterThan(200);
    const source = page.locator('figure.diagram details.diagram-text');
    expect(await source.locator('pre').isVisible()).toBe(false);
    await source.locator('summary').click();
    expect(await source.locator('pre').textContent()).toContain('sequenceDiagram');
    await screenshot(page, 'pattern-diagram');
    expect(await axe(page)).toEqual([]);
    const next = page.locator('a[rel="next"]');
    const nextHref = await next.getAttribute('href');
    await Promise.all([page.waitForURL(`**${nextHref}`), next.click()]);
    await screenshot(page, 'pattern-page');
    await page.close();
  });

  it('finds patterns with the full-text search', async () => {
    const page = await open('/');
    await page.locator('button[data-open-modal]').first().click();
    await page.locator('dialog[open] input[type="search"], dialog[open] input').first().fill('fencing token');
    const result = page.locator('dialog[open] a[href*="/patterns/"]').first();
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('href')).toContain('/patterns/');
    await page.close();
  });

  it('completes the selector for every problem and restores it from the address', async () => {
    const page = await open('/selector/');
    for (const problem of CATALOG.problems) {
      await page.locator(`input[name="problem"][value="${problem.id}"]`).check();
      await page.locator('#constraints').waitFor({ state: 'visible' });
      const suggestions = page.locator('#selector-result ol.result-list > li');
      expect(await suggestions.count(), problem.id).toBeGreaterThan(0);
      expect(new URL(page.url()).searchParams.get('problem')).toBe(problem.id);
      // Every suggestion comes with reasons.
      expect(await suggestions.first().locator('li').count(), problem.id).toBeGreaterThan(0);
    }
    // Tighten the constraints: only in-process, low-complexity patterns for failures.
    await page.locator('input[name="problem"][value="handle-failures"]').check();
    await page.locator('input[name="infra"][value="none"]').check();
    await page.locator('input[name="ops"][value="low"]').check();
    const shared = page.url();
    expect(shared).toContain('infra=none');
    const kept = await page
      .locator('#selector-result ol.result-list > li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')));
    expect(kept).toContain('timeout');
    expect(await page.locator('#ruled-out').count()).toBe(0);
    // The same constraints rule out every pattern that coordinates services, each with a reason.
    await page.locator('input[name="problem"][value="coordinate-services"]').check();
    expect(await page.locator('#selector-result .no-match').count()).toBe(1);
    expect(
      await page.locator('#ruled-out + ul.excluded > li', { hasText: 'needs infrastructure' }).count(),
    ).toBeGreaterThan(0);
    await screenshot(page, 'selector');
    expect(await axe(page)).toEqual([]);
    await page.close();

    const again = await open(new URL(shared).pathname + new URL(shared).search);
    expect(await again.locator('input[name="ops"][value="low"]').isChecked()).toBe(true);
    const restored = await again
      .locator('#selector-result ol.result-list > li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')));
    expect(restored).toEqual(kept);
    await again.close();
  });

  it('filters, sorts and compares in the matrix', async () => {
    const page = await open('/compare/');
    const visibleRows = () => page.locator('#matrix tbody tr:not([hidden])');
    expect(await visibleRows().count()).toBe(CATALOG.patterns.length);
    await page.locator('select[name="family"]').selectOption('coordination');
    expect(await visibleRows().count()).toBe(3);
    await page.locator('#matrix-clear').click();
    await page.locator('th[data-key="operationalComplexity"] button').click();
    expect(await page.locator('th[data-key="operationalComplexity"]').getAttribute('aria-sort')).toBe(
      'ascending',
    );
    const firstCells = await page
      .locator('#matrix tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-operational-complexity')));
    expect(firstCells[0]).toBe('low');
    expect(firstCells.at(-1)).toBe('high');
    for (const slug of ['timeout', 'circuit-breaker', 'saga'])
      await page.locator(`#matrix input[value="${slug}"]`).check();
    await page.locator('#matrix-compare').click();
    expect(await page.locator('#side-by-side-table thead th').count()).toBe(4);
    expect(new URL(page.url()).searchParams.get('compare')).toBe('timeout,circuit-breaker,saga');
    await screenshot(page, 'compare');
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('takes a quiz sitting without repeats and scores it', async () => {
    const page = await open('/quiz/');
    const quiz = page.locator('#quiz');
    const seen: string[] = [];
    let right = 0;
    for (let i = 0; i < 10; i++) {
      await page.waitForFunction(() => document.getElementById('quiz')?.dataset.state === 'asking');
      seen.push((await quiz.getAttribute('data-question'))!);
      // Alternate between the first and the last option so both outcomes are exercised.
      const options = quiz.locator('[data-option]');
      await (i % 2 === 0 ? options.first() : options.last()).click();
      expect(await quiz.getAttribute('data-state')).toBe('answered');
      if ((await quiz.locator('.quiz-feedback strong').textContent())?.startsWith('Right')) right++;
      expect(await quiz.locator('.quiz-feedback a[href^="/patterns/"]').count()).toBeGreaterThan(0);
      if (i === 0) await screenshot(page, 'quiz-answer');
      await quiz.locator('[data-next]').click();
    }
    expect(new Set(seen).size).toBe(10);
    expect(await quiz.getAttribute('data-state')).toBe('finished');
    expect(await quiz.locator('#quiz-score').textContent()).toBe(`You scored ${right} out of 10`);
    expect(await axe(page)).toEqual([]);
    // The next sitting prefers unseen questions.
    await quiz.locator('[data-restart]').click();
    const next = (await quiz.getAttribute('data-sitting'))!.split(' ');
    expect(next.filter((id) => seen.includes(id))).toEqual([]);
    await page.close();
  });

  it('highlights neighbours in the graph and opens a pattern from it', async () => {
    const page = await open('/graph/');
    expect(await page.locator('#graph a.node').count()).toBe(CATALOG.patterns.length);
    await page.locator('#graph a.node[data-slug="circuit-breaker"]').hover();
    expect(await page.locator('#graph a.node.dim').count()).toBeGreaterThan(0);
    expect(await page.locator('#graph a.node[data-slug="timeout"].dim').count()).toBe(0);
    await page.locator('#graph-filters input[value="complements"]').uncheck();
    expect(
      await page
        .locator('#graph line.edge[data-type="complements"]')
        .first()
        .evaluate((e) => getComputedStyle(e).display),
    ).toBe('none');
    await screenshot(page, 'graph');
    expect(await axe(page)).toEqual([]);
    await Promise.all([
      page.waitForURL('**/patterns/circuit-breaker/'),
      page.locator('#graph a.node[data-slug="circuit-breaker"]').click(),
    ]);
    await page.close();
  });

  it('plays a simulation: the chart changes over virtual time, pauses and resets', async () => {
    const slug = simulatedSlugs().has('circuit-breaker') ? 'circuit-breaker' : [...simulatedSlugs()][0]!;
    const page = await open(`/patterns/${slug}/`);
    const sim = page.locator('section.sim').first();
    await sim.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('section.sim')?.dataset.ready === 'true',
      null,
      { timeout: 30_000 },
    );
    await sim.locator('input[name="seed"]').fill('7');
    await sim.locator('[data-action="play"]').click();
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('section.sim')?.dataset.virtualTime ?? 0) > 0,
      null,
      { timeout: 60_000 },
    );
    const canvas = sim.locator('canvas').first();
    const before = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    const timeBefore = Number(await sim.getAttribute('data-virtual-time'));
    await page.waitForFunction(
      (t) => Number(document.querySelector<HTMLElement>('section.sim')?.dataset.virtualTime) > t + 5_000,
      timeBefore,
      { timeout: 30_000 },
    );
    const after = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    expect(after).not.toBe(before);
    await sim.locator('[data-action="pause"]').click();
    expect(await sim.getAttribute('data-state')).toBe('paused');
    const paused = await sim.getAttribute('data-virtual-time');
    await page.waitForTimeout(300);
    expect(await sim.getAttribute('data-virtual-time')).toBe(paused);
    await screenshot(page, 'simulation');
    expect(await axe(page)).toEqual([]);
    await sim.locator('[data-action="play"]').click();
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('section.sim')?.dataset.state === 'done',
      null,
      { timeout: 30_000 },
    );
    expect(await sim.locator('.sim-summary table tbody tr').count()).toBeGreaterThan(0);
    await sim.locator('[data-action="reset"]').click();
    expect(await sim.getAttribute('data-state')).toBe('idle');
    expect(await sim.locator('canvas').count()).toBe(0);
    await page.close();
  });

  it('passes axe on the home page, the indexes and pattern pages', async () => {
    for (const [path, name] of [
      ['/', 'home'],
      ['/problems/', 'problems'],
      ['/categories/', 'categories'],
      ['/paths/', 'paths'],
      ['/patterns/circuit-breaker/', 'pattern-with-simulation'],
      ['/patterns/distributed-lock/', 'pattern-without-simulation'],
    ] as const) {
      const page = await open(path);
      if (path === '/') await screenshot(page, name);
      expect(await axe(page), path).toEqual([]);
      await page.close();
    }
  });

  it('logged no console errors on any page, and reports the heaviest page', () => {
    const heaviest = loadTimes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    console.log(
      `[e2e] heaviest page: ${heaviest.path} (${(heaviest.bytes / 1024).toFixed(1)} KB transferred) loaded in ${heaviest.ms.toFixed(0)} ms on localhost; ${loadTimes.length} page loads, slowest ${Math.max(...loadTimes.map((l) => l.ms)).toFixed(0)} ms`,
    );
    expect(consoleErrors).toEqual([]);
  });
});
