#!/usr/bin/env node
// The /docs page in headless Chromium, as a developer uses it: every
// operation of the served contract is listed, and "Try it out" on GET /users
// (pre-authorised by the page) really reaches the API and shows 200.
// Run by docs_browser_test.sh against a ./run.sh it started.
//
//   node docs_browser.js BASE_URL CHROMIUM PROFILE_DIR
//
// playwright-core drives Debian's chromium (never a downloaded browser). It
// is the pinned copy of tools/npm; this script lives outside that folder, so
// it is required by path.
'use strict';

const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(ROOT, 'tools', 'npm', 'node_modules', 'playwright-core'));

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const TIMEOUT_MS = 60000;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
}

async function main() {
  const [base, executablePath, profileDir] = process.argv.slice(2);
  if (!base || !executablePath || !profileDir) {
    console.error('usage: docs_browser.js BASE_URL CHROMIUM PROFILE_DIR');
    process.exit(2);
  }

  // What the page must show: the document the gateway serves.
  const specResponse = await fetch(`${base}/openapi.json`);
  if (specResponse.status !== 200) throw new Error(`GET /openapi.json: HTTP ${specResponse.status}`);
  const spec = await specResponse.json();
  const expected = [];
  for (const [route, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      if (item[method]) expected.push(`${method.toUpperCase()} ${route}`);
    }
  }
  if (expected.length === 0) throw new Error('the served document has no operations');

  // No sandbox as root (a container's CI); no network but the gateway's.
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    timeout: TIMEOUT_MS,
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
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.setDefaultTimeout(TIMEOUT_MS);
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Anything that leaves this origin would be a download at run time.
    const foreign = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base) && !req.url().startsWith('data:')) foreign.push(req.url());
    });

    const docs = await page.goto(`${base}/docs`);
    if (!docs || docs.status() !== 200) throw new Error(`GET /docs: HTTP ${docs ? docs.status() : 'none'}`);
    await page.locator('.opblock').first().waitFor();

    // Every operation of the document, listed on the page.
    const listed = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method');
        const route = block.querySelector('.opblock-summary-path');
        const routeText = route ? route.getAttribute('data-path') || route.textContent : '';
        return `${method ? method.textContent.trim().toUpperCase() : '?'} ${routeText.replace(/\u200b/g, '').trim()}`;
      }),
    );
    const shown = new Set(listed);
    const missing = expected.filter((op) => !shown.has(op));
    if (missing.length > 0) fail(`operations not listed on /docs: ${missing.join(', ')}`);
    else console.log(`ok   all ${expected.length} operations of /openapi.json are listed on /docs`);

    // Try it out on GET /users: the page pre-authorised the dev token.
    const block = page.locator('.opblock.opblock-get').filter({
      has: page.locator('.opblock-summary-path[data-path="/users"]'),
    });
    await block.locator('.opblock-summary').first().click();
    await block.getByRole('button', { name: 'Try it out' }).click();
    const apiCall = page.waitForResponse(
      (res) => new URL(res.url()).pathname === '/users' && res.request().method() === 'GET',
    );
    await block.getByRole('button', { name: 'Execute' }).click();
    const res = await apiCall;
    const authorization = res.request().headers().authorization || '';
    if (authorization.length < 20) fail('Try it out sent no Authorization header');
    const body = await res.json().catch(() => null);
    if (res.status() !== 200) fail(`GET /users from the page: HTTP ${res.status()}`);
    if (!body || !Array.isArray(body.items)) fail('GET /users from the page: no "items" in the body');
    // What the page shows for it.
    const status = block.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    const shownStatus = (await status.textContent()).trim();
    if (!shownStatus.startsWith('200')) fail(`the page shows status "${shownStatus}" for GET /users`);
    else console.log(`ok   Try it out GET /users -> ${shownStatus}, ${body.items.length} items`);

    if (pageErrors.length > 0) fail(`errors on the page: ${pageErrors.join(' | ')}`);
    if (foreign.length > 0) fail(`the page loaded from other origins: ${foreign.join(', ')}`);
  } finally {
    await context.close();
  }
}

main().catch((err) => {
  fail(err && err.stack ? err.stack : String(err));
});
