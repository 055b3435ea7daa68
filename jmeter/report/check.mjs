// bin/report-check: opens bin/load's comparison page and one plan's JMeter dashboard in headless
// Chromium (Debian's), takes screenshots, and fails when a chart is not painted or a number is not
// where the run's figures say it must be.
//
//   node check.mjs REPORTS_DIR [PLAN] [SCREENSHOT_DIR]
//
// The expected numbers come from two sources the pages do not compute themselves: compare.json
// (bin/load's awk over the CSV) and JMeter's statistics.json; the two must also agree on every
// label's sample count.
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import { mkdtempSync, mkdirSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [reportsArg, plan, shotsArg] = process.argv.slice(2);
if (!reportsArg) {
  console.error("usage: node check.mjs REPORTS_DIR [PLAN] [SCREENSHOT_DIR]");
  process.exit(2);
}
const reports = resolve(reportsArg);
const shots = resolve(shotsArg || join(reports, "..", "screenshots"));
mkdirSync(shots, { recursive: true });
const data = JSON.parse(readFileSync(join(reports, "compare.json"), "utf8"));
const stat = (key) => data.stats[key] || null;
// the page's own number formats
const ms = (v) => Math.round(v).toLocaleString("en-US");
const rate = (v) => (v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1));

const failures = [];
const passed = [];
function expect(ok, what) {
  (ok ? passed : failures).push(what);
}

// pixels of a PNG within 40 (sum of channel differences) of a colour
function pixelsNear(png, hex) {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const d = Math.abs(img.data[i] - want[0]) + Math.abs(img.data[i + 1] - want[1]) + Math.abs(img.data[i + 2] - want[2]);
    if (d < 40 && img.data[i + 3] > 200) n++;
  }
  return n;
}

// pixels that are neither white nor near-white (a chart painted on its canvas)
function paintedPixels(png) {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (img.data[i + 3] > 200 && img.data[i] + img.data[i + 1] + img.data[i + 2] < 600) n++;
  }
  return n;
}

const profile = mkdtempSync(join(tmpdir(), "report-check-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});

async function open(file) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

async function comparisonPage() {
  const { page, errors } = await open(join(reports, "index.html"));
  const drawn = await page.waitForSelector("body[data-drawn]", { timeout: 10000 }).then(() => true, () => false);
  expect(drawn, "comparison page: its script drew the charts" + (errors.length ? ` (errors: ${errors.join("; ")})` : ""));
  expect(errors.length === 0, "comparison page: no script errors" + (errors.length ? `: ${errors.join("; ")}` : ""));
  const text = async (sel) => (await page.locator(sel).textContent()) || "";
  // painted bars, each with a visible box
  const visibleRects = (id) => page.$$eval(`#${id} rect`, (rs) => rs.filter((r) => {
    const b = r.getBoundingClientRect();
    return b.width > 0 && b.height > 0 && getComputedStyle(r).visibility !== "hidden";
  }).length);

  const db = stat("L|slow-query|GET /db/{id}");
  const warm = stat("B|cache|GET /cache/{id} warm");
  const hit = stat("L|mixed-load|GET /cache/{id} HIT");
  const latency = await text("#latency");
  const rows = [db, stat("B|stampede|GET /cache/{id} herd"), stat("B|cache|GET /cache/{id} cold"), warm, hit,
    stat("B|mixed-load|GET /cache/{id} after a write")].filter(Boolean);
  expect(rows.length > 0, "compare.json has at least one row to compare");
  expect(await visibleRects("latency") >= rows.length, `latency chart: at least ${rows.length} visible bars`);
  for (const [name, s] of [["/db", db], ["/cache warm", warm], ["mixed-load HIT", hit]]) {
    if (s) expect(latency.includes(`p50 ${ms(s.p50)} ms`) && latency.includes(`max ${ms(s.max)} ms`),
      `latency chart: ${name} p50 ${ms(s.p50)} ms and max ${ms(s.max)} ms written`);
  }
  const latencyPng = await page.locator("#latency").screenshot({ path: join(shots, "compare-latency.png") });
  if (db) expect(pixelsNear(latencyPng, "#c0392b") > 100, "latency chart screenshot: the /db bars are painted (red)");
  if (warm) expect(pixelsNear(latencyPng, "#27ae60") > 20, "latency chart screenshot: the warm /cache bars are painted (green)");

  const throughput = await text("#throughput");
  const rated = [db, warm, stat("X|mixed-load|ALL")].filter((s) => s && s.rps !== null);
  for (const s of rated) expect(throughput.includes(`${rate(s.rps)} req/s`), `throughput chart: ${rate(s.rps)} req/s written`);
  if (rated.length) {
    expect(await visibleRects("throughput") >= rated.length, `throughput chart: ${rated.length} visible bars`);
    const png = await page.locator("#throughput").screenshot({ path: join(shots, "compare-throughput.png") });
    expect(pixelsNear(png, "#c0392b") + pixelsNear(png, "#27ae60") + pixelsNear(png, "#16a085") > 100,
      "throughput chart screenshot: bars painted");
  }

  const reads = data.timeline ? data.timeline.rows.reduce((a, r) => a + r[1] + r[2] + r[3] + r[4], 0) : 0;
  if (reads > 0) {
    expect(await visibleRects("timeline") > 0, "mixed-load timeline: visible columns");
    const png = await page.locator("#timeline").screenshot({ path: join(shots, "compare-timeline.png") });
    expect(pixelsNear(png, "#16a085") + pixelsNear(png, "#8e44ad") + pixelsNear(png, "#e67e22") > 100,
      "mixed-load timeline screenshot: columns painted");
  }
  const headline = await text("#headline");
  if (db && warm) expect(headline.includes(`${ms(warm.p50)} ms`) && headline.includes(`${ms(db.p50)} ms`),
    `headline: /cache ${ms(warm.p50)} ms beside /db ${ms(db.p50)} ms`);
  const all = stat("X|mixed-load|ALL");
  if (all) {
    const ratio = (100 * ((stat("X|mixed-load|HIT") || { n: 0 }).n) / all.n).toFixed(1);
    expect(headline.includes(`${ratio} %`), `headline: mixed-load hit ratio ${ratio} %`);
  }
  await page.screenshot({ path: join(shots, "compare.png"), fullPage: true });
  await page.close();
}

async function dashboard(name) {
  const dir = join(reports, name);
  if (!existsSync(join(dir, "index.html"))) {
    expect(false, `dashboard of ${name}: ${dir}/index.html exists`);
    return;
  }
  const jmeterStats = JSON.parse(readFileSync(join(dir, "statistics.json"), "utf8"));
  const { page, errors } = await open(join(dir, "index.html"));
  const labels = Object.keys(jmeterStats).filter((l) => l !== "Total");
  const built = await page.waitForFunction((n) => document.querySelectorAll("#statisticsTable tbody tr").length > n,
    labels.length, { timeout: 10000 }).then(() => true, () => false);
  expect(built, `dashboard of ${name}: statistics table built with ${labels.length} labels`);
  const table = await page.$$eval("#statisticsTable tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const titles = table.find((r) => r.includes("#Samples")) || [];
  const at = (t) => titles.indexOf(t);
  for (const label of labels) {
    const row = table.find((r) => r[0] === label);
    const jm = jmeterStats[label].sampleCount;
    const ours = stat(`L|${name}|${label}`);
    expect(row && Number(row[at("#Samples")]) === jm, `dashboard of ${name}: "${label}" shows ${jm} samples`);
    expect(ours && ours.n === jm, `"${label}": JMeter and bin/load count the same samples (${jm}, ${ours ? ours.n : "none"})`);
    if (row) expect((jm < 5) === (row[at("Transactions/s")] === "–"), `dashboard of ${name}: "${label}" rate ${jm < 5 ? "hidden" : "shown"} for ${jm} samples`);
  }
  const info = await page.$$eval("#generalInfos tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const start = (info.find((r) => r[0] === "Start Time") || [])[1] || "";
  expect(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(start), `dashboard of ${name}: Start Time is a date and time ("${start}")`);
  const all = stat(`X|${name}|ALL`);
  if (all) {
    const hits = (stat(`X|${name}|HIT`) || { n: 0 }).n;
    const cell = await page.locator('#cache-outcome tr[data-outcome="HIT"] td').nth(1).textContent().catch(() => "");
    expect(Number(cell) === hits, `dashboard of ${name}: cache outcome panel shows ${hits} HIT answers`);
  }
  const pie = await page.locator("#flot-requests-summary").screenshot({ path: join(shots, `${name}-requests-summary.png`) });
  expect(paintedPixels(pie) > 500, `dashboard of ${name}: the Requests Summary chart is painted`);
  await page.screenshot({ path: join(shots, `${name}-dashboard.png`), fullPage: true });
  expect(errors.length === 0, `dashboard of ${name}: no script errors` + (errors.length ? `: ${errors.join("; ")}` : ""));
  await page.close();

  const charts = [["OverTime.html", "#flotResponseTimesOverTime", "response times over time"]];
  if (all) charts.push(["CustomsGraphs.html", "#flotResponsecustom_hit_ratio", "cache hit ratio over time"]);
  for (const [file, selector, what] of charts) {
    const { page: p } = await open(join(dir, "content", "pages", file));
    const canvas = await p.waitForSelector(`${selector} canvas`, { timeout: 10000 }).then(() => true, () => false);
    expect(canvas, `dashboard of ${name}: ${what} chart has a canvas`);
    if (canvas) {
      const png = await p.locator(selector).screenshot({ path: join(shots, `${name}-${file.replace(".html", "")}.png`) });
      expect(paintedPixels(png) > 1000, `dashboard of ${name}: ${what} chart is painted`);
    }
    await p.close();
  }
}

try {
  await comparisonPage();
  if (plan) await dashboard(plan);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
for (const p of passed) console.log(`ok   ${p}`);
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`screenshots: ${shots}`);
console.log(`report-check: ${passed.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
