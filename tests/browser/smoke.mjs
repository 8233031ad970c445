// Browser smoke test for the Mitra web UI.
//
// Usage: node tests/browser/smoke.mjs http://127.0.0.1:PORT
//        (CHROMIUM=/path/to/chromium overrides /usr/bin/chromium)
//
// Markup contracts the server must honour (run against `mitra serve --demo`):
//   1. GET /            -> <html lang="en"> by default; a visible <h1> containing
//                          "ASEAN"; an inline <svg id="map"> holding >= 500 <circle>s.
//   2. Language switch  -> inside a <nav aria-label="..."> there is a plain link
//                          <a hreflang="zh-Hans" href="?lang=zh-Hans">. Following it
//                          gives <html lang="zh-Hans"> and an <h1> containing
//                          "智慧城市", and sets a cookie that keeps the language.
//   3. GET /cities/nanning (cookie only, no ?lang) -> <html lang="zh-Hans">, an
//                          <h1> containing "南宁", and visible text "人口".
//   4. Keyboard         -> on /, the first Tab stop is a skip link
//                          <a href="#main">, and an element with id="main" exists.
//   5. Sign-in          -> /login has fields labelled "E-mail address" and "Password";
//                          the demo platform admin lands on /account ("Your account"),
//                          reaches "Administration" with an "Audit trail" link, and
//                          the "Sign out" button brings the "Sign in" link back.
//   6. Standards engine -> /cities/bangkok draws a visible radar chart (svg.radar) and
//                          trend lines (svg.sparkline); /rankings, filled in with the
//                          keyboard-usable form ("Compare within" = Country, group TH),
//                          ranks Thai cities in a table; /cities/bangkok/assessment has
//                          a "Level reached" heading and names the next level.
//   7. Knowledge exchange -> /search: typing in the box labelled "Search for" offers
//                          suggestions (#search-suggestions); "flood" gives hits with <mark>;
//                          the "Practice" facet adds kind=practice and a filter chip; a hit
//                          opens its entry page; a Thai query finds entries. The demo editor
//                          publishes an event from /entries/new with the keyboard: an end
//                          before the start is named in the error summary (#f-ends) and
//                          the typed title is kept; corrected, the entry page shows it;
//                          ticking "Yes, delete it for good" and "Delete this entry" removes it.
//  11. Partnerships -> the Bangkok editor proposes a partnership to Nanning from /partnerships/new; the Nanning
//                          editor accepts ("Accept to discuss"), records the signing, uploads the signed
//                          agreement (a link to download it appears) and logs a festival on 1 October,
//                          which the page flags as a public holiday; the status reads Active.
//  12. Scripts        -> full-page screenshots of seven main pages in English, Chinese, Thai and Burmese go to
//                          target/screenshots/; the Chinese, Thai, Khmer, Lao, Burmese and Tamil names of the
//                          language switch, and Thai and Burmese headings, are drawn with fonts that fontconfig
//                          says cover those scripts (so no glyph falls back to an empty box).
//  13. Accessibility  -> axe-core (npm) runs on fifteen main pages, the API reference among them, in English,
//                          Chinese, Thai and Khmer: no critical or serious violation.
//  14. Narrow screens -> at 390 px wide, the same pages in English, Chinese and Thai do not scroll sideways.
//  15. Keyboard only  -> with Tab, typing, Enter and Space alone: sign in from the home page, search from the
//                          navigation, choose and check a data file on Bangkok's page, sign in as Nanning's
//                          government and express interest in the demo provider's sensor kit.
//   Also: no uncaught JavaScript errors on any page visited.
//
// On failure a screenshot is written to target/browser-smoke-failure.png.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const TIMEOUT_MS = 30_000;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAILURE_SCREENSHOT = join(REPO_ROOT, 'target', 'browser-smoke-failure.png');

const rawBase = process.argv[2];
if (!rawBase || !/^https?:\/\//.test(rawBase)) {
  console.error('usage: node smoke.mjs <base-url, e.g. http://127.0.0.1:8080>');
  process.exit(2);
}
const BASE = rawBase.replace(/\/+$/, '');
const url = (path) => BASE + path;

class CheckFailure extends Error {}

let passed = 0;
const pageErrors = [];

function pass(what) {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}

// Polls `probe` until `accept(value)` is true or the timeout elapses. Errors thrown
// by the probe (e.g. the page navigating mid-evaluation) count as "not yet".
async function expectEventually(what, probe, accept, { timeout = TIMEOUT_MS } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) {
        pass(what);
        return last;
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen = lastError
        ? `error: ${lastError.message.split('\n')[0]}`
        : `got ${JSON.stringify(last)}`;
      throw new CheckFailure(`${what} — ${seen} (after ${timeout} ms)`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function gotoOk(page, path) {
  const response = await page.goto(url(path), { waitUntil: 'load' });
  if (!response) throw new CheckFailure(`GET ${path} — no response`);
  if (!response.ok()) throw new CheckFailure(`GET ${path} — HTTP ${response.status()}`);
  pass(`GET ${path} -> HTTP ${response.status()}`);
}

const htmlLang = (page) => page.locator('html').getAttribute('lang');
const h1Text = async (page) => {
  const h1 = page.locator('h1').first();
  if (!(await h1.isVisible())) return '(h1 missing or hidden)';
  return (await h1.innerText()).trim();
};

// The font families fontconfig says cover `lang` (every name of each family).
function familiesFor(lang) {
  const out = execFileSync('fc-list', [`:lang=${lang}`, 'family'], { encoding: 'utf8' });
  return new Set(out.split('\n').flatMap((line) => line.split(',')).map((f) => f.trim()).filter(Boolean));
}

const SCRIPTS = [
  // [language tag in Mitra, fontconfig language, a page in it]
  ['zh-Hans', 'zh-cn'],
  ['th', 'th'],
  ['km', 'km'],
  ['lo', 'lo'],
  ['my', 'my'],
  ['ta', 'ta'],
];
const SCREENSHOT_LANGS = ['en', 'zh-Hans', 'th', 'my'];
const SCREENSHOT_PAGES = [
  ['home', '/'],
  ['cities', '/cities'],
  ['city', '/cities/bangkok'],
  ['search', '/search?q=flood'],
  ['standards', '/standards'],
  ['partnerships', '/partnerships'],
  ['opportunities', '/opportunities'],
];

async function checkScripts(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const fontsOf = async (selector) => {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new CheckFailure(`no element ${selector}`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  };
  const shots = join(REPO_ROOT, 'target', 'screenshots');
  mkdirSync(shots, { recursive: true });
  for (const lang of SCREENSHOT_LANGS) {
    for (const [name, path] of SCREENSHOT_PAGES) {
      await gotoOk(page, `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      await page.screenshot({ path: join(shots, `${lang}-${name}.png`), fullPage: true });
    }
  }
  pass(`${SCREENSHOT_LANGS.length * SCREENSHOT_PAGES.length} full-page screenshots in target/screenshots`);
  for (const [tag, fc] of SCRIPTS) {
    const covering = familiesFor(fc);
    const used = await fontsOf(`nav.lang-switch a[lang="${tag}"]`);
    const missing = used.filter((f) => !covering.has(f));
    if (used.length === 0 || missing.length > 0) {
      throw new CheckFailure(
        `the language switch's ${tag} is drawn with ${JSON.stringify(used)}; ${JSON.stringify(missing)} lack its script`,
      );
    }
    pass(`script ${tag}: drawn with ${used.join(', ')}, which cover it`);
  }
  // A whole heading in Thai and in Burmese, on pages in those languages.
  for (const [tag, fc] of [['th', 'th'], ['my', 'my']]) {
    await gotoOk(page, `/partnerships?lang=${tag}`);
    const covering = familiesFor(fc);
    const used = await fontsOf('h1');
    const scriptFonts = used.filter((f) => covering.has(f));
    if (scriptFonts.length === 0) {
      throw new CheckFailure(`the ${tag} heading is drawn with ${JSON.stringify(used)}, none of which covers ${tag}`);
    }
    pass(`${tag} heading drawn with ${used.join(', ')}`);
  }
  await cdp.detach();
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_LANGS = ['en', 'zh-Hans', 'th', 'km'];
const AXE_PAGES = [
  '/',
  '/cities',
  '/cities/bangkok',
  '/cities/bangkok/assessment',
  '/search?q=flood',
  '/standards',
  '/standards/iso37120-2014',
  '/crosswalk',
  '/indicators/iso37120-2014:8.1',
  '/partnerships',
  '/opportunities',
  '/organisations',
  '/login',
  '/signup',
  '/api',
];

async function checkAccessibility(page) {
  for (const lang of AXE_LANGS) {
    for (const path of AXE_PAGES) {
      await gotoOk(page, `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      // Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy allows.
      await page.evaluate(AXE_SOURCE);
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations
          .filter((v) => v.impact === 'critical' || v.impact === 'serious')
          .map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
      });
      if (violations.length > 0) {
        throw new CheckFailure(`axe on ${path} in ${lang}: ${violations.join(' | ')}`);
      }
    }
  }
  pass(`axe-core: no critical or serious violation on ${AXE_PAGES.length} pages in ${AXE_LANGS.join(', ')}`);
}

async function checkNarrow(page) {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  for (const lang of ['en', 'zh-Hans', 'th']) {
    for (const path of AXE_PAGES) {
      await gotoOk(page, `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (scroll > inner) {
        throw new CheckFailure(`${path} in ${lang} is ${scroll} px wide on a screen of ${inner} px`);
      }
    }
  }
  pass(`at 390 px, none of ${AXE_PAGES.length} pages scrolls sideways in en, zh-Hans, th`);
  if (before) await page.setViewportSize(before);
}

// Presses Tab until the focused element satisfies `wanted` (given tag, type, name, id, text and label), at most
// `max` times; fails naming what it looked for.
async function tabTo(page, what, wanted, max = 80) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e) return null;
      const label = e.labels && e.labels.length ? e.labels[0].innerText.trim() : '';
      return { tag: e.tagName, type: e.getAttribute('type') || '', name: e.getAttribute('name') || '',
        id: e.id || '', text: (e.innerText || e.value || '').trim(), label };
    });
    if (el && wanted(el)) return el;
  }
  throw new CheckFailure(`keyboard: ${what} not reached with ${max} presses of Tab`);
}

async function keyboardWalk(page) {
  // Enter on a link or a form's button, and the page it leads to.
  const enter = async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  };
  const signInWithKeys = async (email, password) => {
    await gotoOk(page, '/?lang=en');
    await tabTo(page, 'the sign-in link', (e) => e.tag === 'A' && e.text === 'Sign in');
    await enter();
    await tabTo(page, 'the e-mail field', (e) => e.tag === 'INPUT' && e.name === 'email');
    await page.keyboard.type(email);
    await tabTo(page, 'the password field', (e) => e.tag === 'INPUT' && e.name === 'password');
    await page.keyboard.type(password);
    await enter();
    await expectEventually(`keyboard: ${email} signed in`, () => page.url(), (u) => u.endsWith('/account'));
  };
  const signOutWithKeys = async () => {
    await tabTo(page, 'the sign-out button', (e) => e.tag === 'BUTTON' && e.text === 'Sign out');
    await enter();
  };

  await signInWithKeys('editor@demo.mitra.invalid', 'demo-password-editor');
  // Search from the navigation.
  await tabTo(page, 'the search link', (e) => e.tag === 'A' && e.text === 'Search');
  await enter();
  await tabTo(page, 'the search box', (e) => e.tag === 'INPUT' && e.name === 'q');
  await page.keyboard.type('flood');
  await enter();
  await expectEventually('keyboard: the search finds entries', () => page.locator('ol.hits li.hit').count(), (n) => n >= 1);
  // A data file, chosen with Space on the file field and checked with Enter.
  await gotoOk(page, '/cities/bangkok?lang=en');
  const chooser = page.waitForEvent('filechooser');
  await tabTo(page, 'the file field of the submission form', (e) => e.tag === 'INPUT' && e.type === 'file' && e.id === 'submit-file', 600);
  await page.keyboard.press('Space');
  await (await chooser).setFiles({
    name: 'values.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('city,indicator,year,value,unit,source\nbangkok,iso37120-2014:5.1,2020,1.1,%,keyboard walk\n'),
  });
  await tabTo(page, 'the check button', (e) => e.tag === 'BUTTON' && e.text === 'Check the file');
  await enter();
  await expectEventually('keyboard: the uploaded file is checked', () => h1Text(page), (v) => v === 'Check of the submitted file');
  await signOutWithKeys();

  // An expression of interest: Nanning's government in the demo provider's air-quality sensor kit.
  await signInWithKeys('partner@demo.mitra.invalid', 'demo-password-partner');
  await gotoOk(page, '/entries/example-solution-air-sensor-kit?lang=en');
  await tabTo(page, 'the message of the interest form', (e) => e.tag === 'TEXTAREA' && e.label === 'Your message');
  await page.keyboard.type('Nanning would like to try the kit at two stations; may we talk?');
  await tabTo(page, 'the interest button', (e) => e.tag === 'BUTTON' && e.text === 'Express interest');
  await enter();
  await expectEventually('keyboard: the interest is expressed and its conversation opens', () =>
    page.locator('ol.messages li').count(), (n) => n === 1);
  await signOutWithKeys();
}

async function run(page) {
  // 1. Home page, English by default.
  await gotoOk(page, '/');
  await expectEventually('home: html[lang="en"]', () => htmlLang(page), (v) => v === 'en');
  await expectEventually('home: visible h1 contains "ASEAN"', () => h1Text(page), (v) =>
    v.includes('ASEAN'),
  );
  await expectEventually(
    'home: svg#map has >= 500 circles',
    () => page.locator('svg#map circle').count(),
    (n) => n >= 500,
  );

  // 2. Switch language to Simplified Chinese via the nav link.
  const zhLink = page.locator('nav[aria-label] a[hreflang="zh-Hans"]').first();
  await expectEventually(
    'nav[aria-label] has a[hreflang="zh-Hans"] linking to lang=zh-Hans',
    () => zhLink.getAttribute('href', { timeout: 1_000 }),
    (href) => typeof href === 'string' && href.includes('lang=zh-Hans'),
  );
  await zhLink.click();
  await page.waitForLoadState('load');
  await expectEventually('zh-Hans: html[lang="zh-Hans"]', () => htmlLang(page), (v) =>
    v === 'zh-Hans',
  );
  await expectEventually('zh-Hans: h1 contains "智慧城市"', () => h1Text(page), (v) =>
    v.includes('智慧城市'),
  );

  // 3. City page; language kept by the cookie.
  await gotoOk(page, '/cities/nanning');
  await expectEventually('city: html[lang="zh-Hans"] (from cookie)', () => htmlLang(page), (v) =>
    v === 'zh-Hans',
  );
  await expectEventually('city: h1 contains "南宁"', () => h1Text(page), (v) => v.includes('南宁'));
  await expectEventually(
    'city: visible text "人口"',
    () => page.getByText('人口').filter({ visible: true }).count(),
    (n) => n >= 1,
  );

  // 4. Keyboard: first Tab stop is the skip link to #main.
  await gotoOk(page, '/');
  await page.locator('body').waitFor({ state: 'attached' });
  await page.keyboard.press('Tab');
  await expectEventually(
    'keyboard: first Tab focuses a skip link with href="#main"',
    () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el ? { tag: el.tagName, href: el.getAttribute('href') } : null;
      }),
    (v) => v !== null && v.tag === 'A' && v.href === '#main',
    { timeout: 5_000 },
  );
  await expectEventually(
    'keyboard: skip-link target #main exists',
    () => page.locator('#main').count(),
    (n) => n === 1,
    { timeout: 5_000 },
  );

  // 5. Sign in as the demo platform admin with the keyboard-usable form, reach the administration page.
  await gotoOk(page, '/login?lang=en');
  await page.getByLabel('E-mail address').fill('admin@demo.mitra.invalid');
  await page.getByLabel('Password').fill('demo-password-admin');
  await page.getByLabel('Password').press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('sign-in: lands on the account page', () => page.url(), (u) => u.endsWith('/account'));
  await expectEventually('sign-in: h1 is "Your account"', () => h1Text(page), (v) => v === 'Your account');
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.waitForLoadState('load');
  await expectEventually('admin: the audit trail link is visible', () =>
    page.getByRole('link', { name: 'Audit trail' }).count(), (n) => n === 1);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');
  await expectEventually('sign-out: the sign-in link is back', () =>
    page.getByRole('link', { name: 'Sign in' }).count(), (n) => n >= 1);

  // 6. Standards engine: charts on the city page, a ranking chosen through the form, an assessment.
  await gotoOk(page, '/cities/bangkok?lang=en');
  await expectEventually('city: the radar chart is drawn', async () => {
    const box = await page.locator('svg.radar').first().boundingBox();
    return box ? box.width * box.height : 0;
  }, (area) => area > 10_000);
  await expectEventually('city: trend lines are drawn', () => page.locator('svg.sparkline polyline').count(), (n) => n >= 1);
  await gotoOk(page, '/rankings?lang=en&indicator=iso37120-2014:8.1&year=2019');
  await page.getByLabel('Compare within').selectOption('country');
  await page.getByRole('button', { name: 'Show' }).press('Enter');
  await page.waitForLoadState('load');
  await page.getByLabel('Group').selectOption('TH');
  await page.getByRole('button', { name: 'Show' }).press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('rankings: Thai cities are ranked, Bangkok among them', () =>
    page.locator('table.ranking a[href="/cities/bangkok"]').count(), (n) => n === 1);
  await gotoOk(page, '/cities/bangkok/assessment?lang=en');
  await expectEventually('assessment: "Level reached" heading', () =>
    page.getByRole('heading', { name: 'Level reached' }).count(), (n) => n === 1);
  await expectEventually('assessment: names the next level', () =>
    page.getByText('Next level').count(), (n) => n >= 1);

  // 7. Knowledge exchange: search typed with the keyboard (with suggestions), a facet, an entry, a Thai query,
  //    and an editor publishing an event through the form, first with a mistake the form names.
  await gotoOk(page, '/search?lang=en');
  const box = page.getByLabel('Search for');
  await box.focus();
  await page.keyboard.type('flo');
  await expectEventually('search: the box suggests completions', () =>
    page.locator('#search-suggestions option').count(), (n) => n >= 1);
  await box.fill('flood');
  await box.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('search: "flood" finds entries with the word marked', () =>
    page.locator('ol.hits li.hit h3 mark').count(), (n) => n >= 1);
  await page.locator('aside.facets a', { hasText: /^Practice$/ }).first().click();
  await page.waitForLoadState('load');
  await expectEventually('search: the kind facet narrows to practices', () => page.url(), (u) => u.includes('kind=practice'));
  await expectEventually('search: the chosen facet is shown as a filter', () =>
    page.locator('ul.active-filters a').count(), (n) => n >= 2);
  const firstHit = page.locator('ol.hits li.hit h3 a').first();
  const firstTitle = (await firstHit.innerText()).trim();
  await firstHit.click();
  await page.waitForLoadState('load');
  await expectEventually('entry: the page shows the entry found', () => h1Text(page), (v) => v === firstTitle);
  await expectEventually('entry: sources are listed', () => page.locator('ul.sources li').count(), (n) => n >= 1);
  await gotoOk(page, '/search?lang=en&q=' + encodeURIComponent('กรุงเทพ'));
  await expectEventually('search: a Thai query without spaces finds entries', () =>
    page.locator('ol.hits li.hit').count(), (n) => n >= 1);

  await gotoOk(page, '/login?lang=en');
  await page.getByLabel('E-mail address').fill('editor@demo.mitra.invalid');
  await page.getByLabel('Password').fill('demo-password-editor');
  await page.getByLabel('Password').press('Enter');
  await page.waitForLoadState('load');
  await gotoOk(page, '/entries/new?lang=en');
  await page.getByRole('link', { name: 'Event' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('entry form: the event form is shown', () => h1Text(page), (v) => v.endsWith('Event'));
  await page.locator('#f-title_0').fill('Example: smoke-test study visit');
  await page.locator('#f-summary_0').fill('A visit to the flood tunnels.');
  await page.getByLabel('Starts (local time)').fill('2031-05-06T09:00');
  await page.getByLabel('Ends (local time)').fill('2031-05-06T08:00');
  await page.getByLabel('Time zone', { exact: true }).fill('Asia/Bangkok');
  await page.getByRole('button', { name: 'Publish' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('entry form: a mistake is named in the error summary', () =>
    page.locator('.error-summary a[href="#f-ends"]').count(), (n) => n === 1);
  await expectEventually('entry form: the field is marked invalid and what was typed is kept', () =>
    page.locator('#f-ends[aria-invalid="true"]').count().then(async (n) =>
      n === 1 && (await page.locator('#f-title_0').inputValue()) === 'Example: smoke-test study visit'),
    (ok) => ok === true);
  await page.getByLabel('Ends (local time)').fill('2031-05-06T17:00');
  await page.getByRole('button', { name: 'Publish' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('entry form: the entry is published and shown', () => h1Text(page), (v) =>
    v === 'Example: smoke-test study visit');
  await expectEventually('entry: the event time is shown in its zone', () =>
    page.getByText('2031-05-06 09:00 (Asia/Bangkok)').count(), (n) => n >= 1);
  // Delete it again with the keyboard, so the demo data is as it was for the feed check that follows.
  await page.getByLabel(/Yes, delete it for good/).check();
  await page.getByRole('button', { name: 'Delete this entry' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('entry: deleted after confirming, back on the search page', () => page.url(), (u) =>
    u.includes('/search') && u.includes('done=entry-deleted'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');

  // 8. Opportunities: the demo solution provider expresses interest in the demo city's example project with the
  //    keyboard; the city's editor finds it in the notifications, answers and accepts; the provider sees the outcome.
  async function signIn(email, password) {
    await gotoOk(page, '/login?lang=en');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForLoadState('load');
  }
  await signIn('provider@demo.mitra.invalid', 'demo-password-provider');
  await gotoOk(page, '/entries/example-project-flood-sensors?lang=en');
  await expectEventually('interest: the form says on whose behalf', () =>
    page.getByText('On behalf of Demo organisation: solution provider (example)').count(), (n) => n === 1);
  await page.getByLabel('Your message').fill('We make water-level sensors and could pilot ten on one canal.');
  await page.getByRole('button', { name: 'Express interest' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('interest: the conversation opens with the message', () =>
    page.locator('ol.messages li').count(), (n) => n === 1);
  const conversation = page.url().split('?')[0];
  await expectEventually('interest: the conversation is open', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'open');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');

  await signIn('editor@demo.mitra.invalid', 'demo-password-editor');
  await expectEventually('notifications: the editor sees one unread in the navigation', () =>
    page.locator('.account-nav .badge').innerText(), (v) => v.trim() === '1');
  await page.getByRole('link', { name: /^Notifications/ }).click();
  await page.waitForLoadState('load');
  await page.getByRole('link', { name: /expressed interest/ }).first().click();
  await page.waitForLoadState('load');
  await expectEventually('conversation: the editor reads the provider\'s message', () =>
    page.getByText('We make water-level sensors').count(), (n) => n === 1);
  await expectEventually('conversation: no e-mail address is shown', () =>
    page.getByText('provider@demo.mitra.invalid').count(), (n) => n === 0);
  await page.locator('#reply').fill('Welcome. Could you start in the dry season?');
  await page.getByRole('button', { name: 'Send' }).press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('conversation: the answer opens the discussion', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'in discussion');
  await page.getByRole('button', { name: 'Accept' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('conversation: accepted, they agree', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'agreed');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');

  await signIn('provider@demo.mitra.invalid', 'demo-password-provider');
  await gotoOk(page, new URL(conversation).pathname + '?lang=en');
  await expectEventually('conversation: the provider sees the agreement and both messages', () =>
    page.locator('ol.messages li').count().then(async (n) =>
      n === 2 && (await page.locator('p.status strong').innerText()) === 'agreed'), (ok) => ok === true);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');

  // 9. Opportunities: an investor narrows the list to funding calls with the keyboard; the amounts' rates are stated.
  await gotoOk(page, '/opportunities?lang=en');
  await page.getByRole('checkbox', { name: 'Funding' }).focus();
  await page.keyboard.press('Space');
  await page.getByLabel('At least').fill('400000');
  await page.getByLabel('At least').press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('opportunities: only funding calls of at least USD 400 000 are listed', () =>
    page.locator('ol.opportunities li.hit .badge').allInnerTexts().then((kinds) =>
      kinds.length > 0 && kinds.filter((k) => k === 'Project' || k === 'Solution').length === 0), (ok) => ok === true);
  await expectEventually('opportunities: the exchange rates are dated', () =>
    page.getByText(/European Central Bank .* of 2026-10-30/).count(), (n) => n === 1);
  await gotoOk(page, '/entries/example-project-flood-sensors?lang=en');
  await expectEventually('matches: a project lists the funding calls that fit, with reasons', () =>
    page.locator('section.matches ul.reasons li').count(), (n) => n >= 1);

  // 10. Data submission: the city's editor uploads a file, reads the dry run, then writes it.
  await signIn('editor@demo.mitra.invalid', 'demo-password-editor');
  await gotoOk(page, '/cities/bangkok?lang=en');
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'bangkok.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('city,indicator,year,value,unit\nกรุงเทพมหานคร,iso37120-2014:5.1,2024,4.2,\nBangkok,iso37120-2014:5.1,2023,not-a-number,\n'),
  });
  await page.getByRole('button', { name: 'Check the file' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('submission: the dry run names the bad row by line and column', () =>
    page.locator('.error-summary td').allInnerTexts().then((cells) => cells.includes('3') && cells.includes('value')),
    (ok) => ok === true);
  await page.getByRole('link', { name: 'Upload a corrected file' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'bangkok.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('city,indicator,year,value,unit\nกรุงเทพมหานคร,iso37120-2014:5.1,2024,4.2,\n'),
  });
  await page.getByRole('button', { name: 'Check the file' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('submission: the dry run shows one new value for the Thai city name', () =>
    h1Text(page), (v) => v === 'Check of the submitted file');
  await page.getByRole('button', { name: 'Write these values' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('submission: written, waiting for a verifier', () =>
    page.getByText('The values are written.').count(), (n) => n >= 1);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');

  // 11. City partnership: Bangkok's government proposes one to Nanning, Nanning's accepts and records the signing,
  //     and logs a cultural exchange on a Chinese public holiday, which the page points out.
  await signIn('editor@demo.mitra.invalid', 'demo-password-editor');
  await gotoOk(page, '/cities/bangkok?lang=en');
  await expectEventually('partnership: the city page offers its government to propose to a recommended partner', () =>
    page.getByRole('link', { name: /Propose a partnership|Open the partnership/ }).count(), (n) => n >= 1);
  await gotoOk(page, '/partnerships/new?invited=nanning&lang=en');
  await page.getByLabel(/Your proposal/).fill('Shall we compare how our two cities monitor air quality?');
  await page.getByRole('button', { name: 'Send the proposal' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('partnership: proposed, and the thread holds the proposal', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'Proposed');
  const partnershipPath = new URL(page.url()).pathname;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');
  await signIn('partner@demo.mitra.invalid', 'demo-password-partner');
  await gotoOk(page, `${partnershipPath}?lang=en`);
  await page.getByRole('button', { name: 'Accept to discuss' }).click();
  await page.waitForLoadState('load');
  await expectEventually('partnership: the invited city accepts to discuss', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'Under discussion');
  await page.getByLabel('Signed on').fill('2026-11-20');
  await page.getByLabel('Signatories').fill('Governor of Bangkok; Mayor of Nanning');
  await page.getByRole('button', { name: 'Record the signing' }).click();
  await page.waitForLoadState('load');
  await expectEventually('partnership: the signing is recorded', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'Signed');
  await page.getByLabel('Signed agreement (file)').setInputFiles({
    name: 'Memorandum Bangkok-Nanning.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\nMemorandum of understanding between Bangkok and Nanning (example).\n'),
  });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForLoadState('load');
  await expectEventually('partnership: the signed agreement is uploaded and linked for download', () =>
    page.getByRole('link', { name: 'Memorandum Bangkok-Nanning.pdf' }).count(), (n) => n === 1);
  await page.getByLabel('Kind of activity').selectOption('festival');
  await page.getByLabel('Title', { exact: true }).fill('Thai food festival in Nanning');
  await page.getByLabel('First day').fill('2026-10-01');
  await page.getByLabel('Number of participants').fill('40');
  await page.getByRole('button', { name: 'Log the activity' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForLoadState('load');
  await expectEventually('partnership: the activity makes it active', () =>
    page.locator('p.status strong').innerText(), (v) => v === 'Active');
  await expectEventually('partnership: the activity on China\'s National Day is flagged as a public holiday', () =>
    page.locator('#activities .warning').count(), (n) => n >= 1);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForLoadState('load');

  // 12. Scripts: the main pages in Latin, Han, Thai and Burmese script are saved as full-page screenshots for review
  //     (target/screenshots/, not kept by git), and every script of the language switch is drawn with a font that has
  //     its letters — never the empty boxes of a missing glyph.
  await checkScripts(page);

  // 13. Accessibility: axe-core finds no critical or serious violation on the main pages (the API reference
  //     included) in English, Chinese, Thai and Khmer.
  await checkAccessibility(page);

  // 14. Narrow screens: at 390 px wide no main page scrolls sideways, in Latin, Han and Thai script.
  await checkNarrow(page);

  // 15. Keyboard only: sign in, search, upload a data file to check and express interest in a project, with Tab,
  //     typing, Enter and Space alone.
  await keyboardWalk(page);

  if (pageErrors.length > 0) {
    throw new CheckFailure(`uncaught JavaScript errors:\n  ${pageErrors.join('\n  ')}`);
  }
  pass('no uncaught JavaScript errors');
}

async function main() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  const userDataDir = mkdtempSync(join(tmpdir(), 'mitra-smoke-'));
  let context;
  let page;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      timeout: TIMEOUT_MS,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const where = msg.location()?.url || page.url();
      console.error(`[browser console error] ${msg.text()} (${where})`);
    });

    await run(page);
    console.log(`browser-smoke: ${passed} passed, 0 failed`);
    return 0;
  } catch (err) {
    const message = err instanceof CheckFailure ? err.message : err?.stack || String(err);
    console.error(`not ok ${passed + 1} - ${message}`);
    if (page) {
      console.error(`  (page URL: ${page.url()})`);
      try {
        mkdirSync(dirname(FAILURE_SCREENSHOT), { recursive: true });
        await page.screenshot({ path: FAILURE_SCREENSHOT, fullPage: true, timeout: 10_000 });
        console.error(`  screenshot: ${FAILURE_SCREENSHOT}`);
      } catch (shotErr) {
        console.error(`  (could not save screenshot: ${shotErr.message.split('\n')[0]})`);
      }
    }
    console.log(`browser-smoke: ${passed} passed, 1 failed`);
    return 1;
  } finally {
    if (context) await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
