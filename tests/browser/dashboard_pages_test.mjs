// SPDX-License-Identifier: AGPL-3.0-or-later
// The organisation pages of the dashboard in chromium, as staff meet them: signing in with
// the keyboard alone, and on every page (desk and phone size) one h1, every field labelled,
// tables with captions and column headers, a visible focus ring, nothing wider than a
// phone's screen (wide tables scroll inside their box), no script errors (the CSP allows no
// inline script or style). Screenshots of each page go to the output dir.
import {
  test, startServer, launchBrowser, newPage, screenshot, signIn, assert, assertEqual, assertIncludes,
} from './lib.mjs';

const pages = [
  '/', '/sessions', '/sessions/new', '/shifts', '/shifts/new', '/people', '/people/new', '/people/import',
  '/programs', '/programs/new', '/sites', '/accounts', '/accounts/new', '/account/password',
  // the passes engineer's pages
  '/board', '/passes', '/kiosks', '/reports', '/review', '/retention', '/privacy-notice',
];

// What the page breaks of the checks above, as a list of sentences.
async function problemsOf(page) {
  return page.evaluate(() => {
    const problems = [];
    const h1 = document.querySelectorAll('h1');
    if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
    for (const field of document.querySelectorAll('input, select, textarea')) {
      if (field.type === 'hidden') continue;
      if (!field.labels || field.labels.length === 0) problems.push(`field ${field.name} has no label`);
    }
    for (const table of document.querySelectorAll('table')) {
      if (!table.querySelector('caption')) problems.push('a table without a caption');
      for (const th of table.querySelectorAll('thead th'))
        if (th.getAttribute('scope') !== 'col') problems.push(`column header "${th.textContent}" without scope`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
    if (!document.querySelector('a.skip[href="#main"]')) problems.push('no skip link');
    return problems;
  });
}

await test('dashboard: sign in with the keyboard alone', async () => {
  const server = await startServer();
  const admin = server.createAdmin();
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await page.goto(`${server.url}/sessions`);
  assert(page.url().includes('/sign-in?next='), `sent to sign in first, got ${page.url()}`);
  await page.keyboard.press('Tab');
  assertEqual(await page.evaluate(() => document.activeElement.textContent), 'Skip to content', 'first Tab stop');
  await page.keyboard.press('Enter');  // the skip link: focus moves to the main content
  await page.keyboard.press('Tab');
  assertEqual(await page.evaluate(() => document.activeElement.id), 'username', 'after skipping, the username');
  await page.keyboard.type(admin.username);
  await page.keyboard.press('Tab');
  assertEqual(await page.evaluate(() => document.activeElement.id), 'password', 'then the password');
  await page.keyboard.type(admin.password);
  await Promise.all([page.waitForURL('**/sessions'), page.keyboard.press('Enter')]);
  assertEqual(await page.textContent('h1'), 'Sessions', 'back on the page asked for');
  const outline = await page.evaluate(() => {
    document.querySelector('nav a').focus();
    return getComputedStyle(document.activeElement).outlineStyle;
  });
  assert(outline !== 'none', `a focused link shows an outline, got ${outline}`);
  assertEqual(page.errors, [], 'script errors');
});

await test('dashboard: every organisation page is labelled and fits a phone', async () => {
  const server = await startServer();
  const site = server.cliId(['site', 'add', 'Riverside Community Centre']);
  const program = server.cliId(['program', 'add', '--name', 'Peer support', '--discreet', '--registration', 'roster']);
  server.cliId(['person', 'add', '--name', 'Ana', '--site', site]);
  const minute = (offset) => new Date(Date.now() + offset * 60000).toISOString().slice(0, 16);
  const session = server.cliId(['session', 'add', '--program', program, '--site', site,
    '--start', minute(-10), '--end', minute(80)]);
  const admin = server.createAdmin();
  const browser = await launchBrowser();
  for (const [size, viewport] of [['desk', { width: 1280, height: 900 }], ['phone', { width: 375, height: 740 }]]) {
    const page = await newPage(browser, { viewport });
    await signIn(page, server, admin);
    for (const path of [...pages, `/sessions/${session}/attendance`, '/audit']) {
      const response = await page.goto(server.url + path);
      assertEqual(response.status(), 200, `${path} status`);
      assertEqual(await problemsOf(page), [], `${path} at ${size} size`);
      const name = path === '/' ? '-today' : path.replace(session, 'id').replaceAll('/', '-');
      await screenshot(page, `dashboard-${size}${name}`);
    }
    assertEqual(page.errors, [], `script errors at ${size} size`);
  }
});

await test('dashboard: a coordinator sees their site only and no admin pages', async () => {
  const server = await startServer();
  const mine = server.cliId(['site', 'add', 'Riverside Community Centre']);
  server.cliId(['site', 'add', 'Hilltop Library']);
  const coordinator = server.createCoordinator({ username: 'cole', name: 'Cole', sites: [mine] });
  const browser = await launchBrowser();
  const page = await newPage(browser);
  await signIn(page, server, coordinator);
  const nav = await page.textContent('nav');
  assert(!nav.includes('Accounts'), `no Accounts in the menu, got ${nav}`);
  await page.goto(`${server.url}/sites`);
  const text = await page.textContent('main');
  assertIncludes(text, 'Riverside Community Centre', 'their site');
  assert(!text.includes('Hilltop'), 'not the other site');
  const refused = await page.goto(`${server.url}/accounts`);
  assertEqual(refused.status(), 403, '/accounts for a coordinator');
  await screenshot(page, 'dashboard-coordinator-refused');
});
