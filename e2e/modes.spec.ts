import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

/**
 * Charts and modes (issue #14): one type scale for every chart's text, in CSS pixels whatever the
 * chart's width (≥ 12 px, ≥ 16 px in projector mode); legends beside the plot, never over its
 * marks; text contrast ≥ 4.5:1 in light, dark and projector modes. Checked on each method's
 * recorded run (public/runs), as e2e/layout.spec.ts opens them.
 */
const index = JSON.parse(readFileSync(path.resolve('public', 'runs', 'index.json'), 'utf8')) as Record<string, { method: string }>;
const RUNS = Object.entries(index)
  .filter(([, e], i, all) => all.findIndex(([, f]) => f.method === e.method) === i)
  .map(([name]) => name);

async function openRecorded(page: Page, name: string, extra = ''): Promise<void> {
  await page.goto(`/?run=${name}&backend=cpu${extra}`);
  await expect(page.getByTestId('run-status')).toHaveText(/done/i, { timeout: 60_000 });
  await expect(page.getByTestId('method-panel')).toHaveAttribute('aria-busy', 'false');
  await page.waitForTimeout(300); // the d3 charts draw on the next animation frame
}

/** Every visible chart text (svg <text> in the method's view and the shared panels, and the HTML legends) with its computed size. */
async function chartText(page: Page): Promise<{ what: string; px: number }[]> {
  return page.evaluate(() => {
    const out: { what: string; px: number }[] = [];
    const nodes = [...document.querySelectorAll<Element>('main svg text, main .chart-legend')];
    for (const el of nodes) {
      if (!(el.textContent ?? '').trim()) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue; // hidden tabs, empty-state text not shown
      const owner = el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.closest('svg')?.getAttribute('class') ?? '?';
      out.push({ what: `${owner}: ${(el.textContent ?? '').trim().slice(0, 40)}`, px: parseFloat(getComputedStyle(el).fontSize) });
    }
    return out;
  });
}

test('every chart text of every method view is ≥ 12 px at 1280×720, ≥ 16 px in projector mode, and the same size at 1024 and 1920 wide', async ({ page }) => {
  test.setTimeout(300_000);
  for (const name of RUNS) {
    const sizes: Record<string, number[]> = {};
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await openRecorded(page, name);
      const texts = await chartText(page);
      expect(texts.length, `${name}: chart text found at ${w}`).toBeGreaterThan(5);
      for (const t of texts) expect(t.px, `${name} at ${w}: ${t.what}`).toBeGreaterThanOrEqual(12);
      sizes[w] = [...new Set(texts.map((t) => t.px))].sort((a, b) => a - b);
    }
    // The scale's sizes, not the chart's width, set every text: the same few sizes on each screen.
    expect(sizes[1920], `${name}: sizes at 1920 vs 1280`).toEqual(sizes[1280]);
    expect(sizes[1024], `${name}: sizes at 1024 vs 1280`).toEqual(sizes[1280]);
    await page.setViewportSize({ width: 1280, height: 720 });
    await openRecorded(page, name, '&projector=1');
    for (const t of await chartText(page)) expect(t.px, `${name} projector: ${t.what}`).toBeGreaterThanOrEqual(16);
  }
});

test("no legend covers its chart's marks: each legend's box is outside its plot", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const name of RUNS) {
    await openRecorded(page, name);
    const overlaps = await page.evaluate(() => {
      const hits: string[] = [];
      for (const fig of document.querySelectorAll('main figure.chart-frame')) {
        const svg = fig.querySelector('svg[role="img"]');
        const legend = fig.querySelector('.chart-legend');
        if (!svg || !legend) continue;
        const l = legend.getBoundingClientRect();
        if (l.width === 0) continue;
        // Any plotted mark (path, line, circle, rect) whose box meets the legend's.
        for (const m of svg.querySelectorAll('path, line, circle, rect')) {
          const r = m.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.left < l.right && r.right > l.left && r.top < l.bottom && r.bottom > l.top) hits.push(`${svg.getAttribute('data-testid') ?? svg.getAttribute('aria-label')}: ${m.tagName}`);
        }
      }
      return hits;
    });
    expect(overlaps, name).toEqual([]);
  }
  // The evolution lifelines, by name: their legend sits below the plot.
  await openRecorded(page, 'evolution-nb201');
  const plot = (await page.getByTestId('evolution-lifelines').boundingBox())!;
  const legend = (await page.locator('figure.evo-lifelines .chart-legend').boundingBox())!;
  expect(legend.y).toBeGreaterThanOrEqual(plot.y + plot.height - 0.5);
});

/**
 * Every visible text's colour against its effective background (the first opaque background up
 * its ancestors, the page's otherwise), by the WCAG relative-luminance formula. Chart text
 * (svg fill) counts as text on its chart's background.
 */
async function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (c: string): [number, number, number, number] | null => {
      const m = c.match(/rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:,?\s*\/?\s*([\d.]+))?\)/);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a: number[], b: number[]) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const background = (el: Element): number[] => {
      for (let a: Element | null = el; a; a = a.parentElement) {
        const c = parse(getComputedStyle(a).backgroundColor);
        if (c && c[3] >= 0.99) return c.slice(0, 3);
      }
      return parse(getComputedStyle(document.documentElement).backgroundColor)?.slice(0, 3) ?? [255, 255, 255];
    };
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !(n.textContent ?? '').trim()) continue;
      seen.add(el);
      if (el.closest('title, option, script, style, [aria-hidden="true"]')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom < 0 || r.top > innerHeight) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || Number(cs.opacity) < 0.1) continue;
      // Disabled controls are exempt from the contrast requirement (WCAG 1.4.3).
      if (el.closest(':disabled, [aria-disabled="true"]')) continue;
      const isSvg = el instanceof SVGElement;
      const fg = parse(isSvg ? cs.fill : cs.color);
      if (!fg || fg[3] < 0.99) continue;
      const k = ratio(fg.slice(0, 3), background(el));
      if (k < 4.5) found.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} "${(n.textContent ?? '').trim().slice(0, 30)}": ${k.toFixed(2)}:1`);
    }
    return found;
  });
}

for (const mode of ['light', 'dark', 'projector'] as const) {
  test(`computed text contrast ≥ 4.5:1 in ${mode} mode, on every method's view`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const extra = mode === 'dark' ? '&theme=dark' : mode === 'projector' ? '&projector=1' : '&theme=light';
    const found: string[] = [];
    for (const name of RUNS) {
      await openRecorded(page, name, extra);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(mode === 'dark' ? 'dark' : 'light');
      found.push(...(await lowContrast(page)).map((f) => `${name}: ${f}`));
    }
    expect(found).toEqual([]);
  });
}

test('dark mode: follows the system, the toggle overrides it and is remembered, ?theme= wins, a bad ?theme= is reported and changes nothing', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/?backend=cpu');
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  await expect.poll(theme).toBe('dark');
  const darkBg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.getByTestId('theme-toggle').click();
  await expect.poll(theme).toBe('light');
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).not.toBe(darkBg);
  expect(new URL(page.url()).searchParams.get('theme')).toBe('light');
  // Remembered without the link's help.
  await page.goto('/?backend=cpu');
  await expect.poll(theme).toBe('light');
  await page.goto('/?backend=cpu&theme=dark');
  await expect.poll(theme).toBe('dark');
  await page.goto('/?backend=cpu&theme=purple');
  await expect.poll(theme).toBe('light');
  await expect(page.getByText('Link setting "theme" must be "dark" or "light", not "purple"; ignored.')).toBeVisible();
});
