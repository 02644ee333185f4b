// Drives Debian's Chromium (headless, through playwright-core) over pages
// gomapviz wrote, as a user would, and prints what it saw as one JSON line.
//
// Usage: node html_view.mjs PLAN.json
//
// PLAN.json: {"npm": DIR (where scripts/install-npm.sh put playwright-core),
//   "chromium": PATH, "shots": DIR (screenshots are written there),
//   "pages": [{"name", "file", "kind": "map"|"diff", "search": [KEY, ...],
//              "hostile": bool}]}
// For each page: opens it (the time until the viewer is ready), screenshots
// the overview; clicks the first link of the picture (a summary row, a
// table, a bucket) and then the first bucket, table or group of the list it
// opened, screenshotting the view and noting its link and command line;
// searches each key (the time until its cell is highlighted) and reads the
// highlighted cells; hovers the highlighted cell and reads the tooltip. It
// notes every console error, every script element, and window.pwned (set
// only by a script that came from a map). The checks are the caller's
// (tests/e2e/html_e2e.py).
import { createRequire } from 'module';
import { readFileSync } from 'fs';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(plan.npm.replace(/\/?$/, '/'));
const { chromium } = require('playwright-core');

async function viewState(page) {
  return page.evaluate(() => {
    const q = (s) => document.querySelector(s);
    return {
      hash: location.hash,
      title: q('#detail h2') ? q('#detail h2').textContent : null,
      permalink: q('#detail a.permalink') ? q('#detail a.permalink').getAttribute('href') : null,
      cli: q('#detail p.cli code') ? q('#detail p.cli code').textContent : null,
      tables: document.querySelectorAll('#detail table').length,
      hits: Array.from(document.querySelectorAll('#detail .hit')).map((n) => n.textContent),
      hitRows: Array.from(document.querySelectorAll('#detail tr.hit')).map((tr) =>
        Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    };
  });
}

async function visit(browser, spec) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const out = { name: spec.name, errors: [], searches: [] };
  page.on('pageerror', (e) => out.errors.push('pageerror: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') out.errors.push('console: ' + m.text()); });
  const t0 = Date.now();
  await page.goto('file://' + spec.file);
  await page.waitForSelector('body[data-ready=true]', { timeout: 120000 });
  out.readyMs = Date.now() - t0;
  out.overview = await viewState(page);
  out.svgLinks = await page.$$eval('#zoom a', (as) => as.map((a) => a.getAttribute('href') || a.getAttribute('xlink:href'))
    .filter((h) => h && h.length > 1));
  await page.screenshot({ path: `${plan.shots}/${spec.name}-overview.png` });
  await page.click('#legend-toggle');
  out.legend = await page.$eval('#legend', (l) => (l.hidden ? [] : Array.from(l.querySelectorAll('div')).map((d) => d.textContent)));
  await page.click('#legend-toggle');

  // the picture's first link (a summary row, a table, a bucket), then the first item of that view
  const first = out.svgLinks[0];
  if (first) {
    await page.click(`#zoom a[*|href="${first}"]`);
    await page.waitForFunction((h) => document.querySelector('#detail').getAttribute('data-view') === h, first);
    out.clicked = await viewState(page);
    await page.screenshot({ path: `${plan.shots}/${spec.name}-clicked.png` });
    const inner = await page.$('#detail table.list a');
    if (inner) {
      const href = await inner.getAttribute('href');
      await inner.click();
      await page.waitForFunction((h) => document.querySelector('#detail').getAttribute('data-view') === h, href);
      out.opened = await viewState(page);
      await page.screenshot({ path: `${plan.shots}/${spec.name}-opened.png` });
    }
  }

  // views named by their links, as a user would paste them
  out.visits = [];
  for (const hash of spec.visit || []) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForFunction((h) => document.querySelector('#detail').getAttribute('data-view') === '#' + h, hash);
    out.visits.push(await viewState(page));
  }

  for (const key of spec.search || []) {
    await page.fill('#query', key);
    const s0 = Date.now();
    await page.press('#query', 'Enter');
    await page.waitForFunction((want) => document.querySelector('#detail').getAttribute('data-view') === want,
      '#key=' + encodeURIComponent(key), { timeout: 60000 });
    const res = { key, ms: Date.now() - s0, ...(await viewState(page)) };
    const hit = await page.$('#detail .hit.has-tip');
    if (hit) {
      await hit.hover();
      await page.waitForSelector('#tip:not([hidden])', { timeout: 5000 });
      res.tooltip = await page.$eval('#tip', (t) => Array.from(t.children).map((d) => d.textContent));
    }
    out.searches.push(res);
    if (out.searches.length === 1) {
      await page.screenshot({ path: `${plan.shots}/${spec.name}-search.png` });
    }
  }
  out.pwned = await page.evaluate(() => window.pwned === undefined ? null : window.pwned);
  out.scripts = await page.$$eval('script', (ss) => ss.map((s) => s.type || 'classic'));
  out.images = await page.$$eval('img', (ii) => ii.length);
  await page.close();
  return out;
}

const browser = await chromium.launch({
  executablePath: plan.chromium, args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const results = [];
try {
  for (const spec of plan.pages) results.push(await visit(browser, spec));
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
