// SPDX-License-Identifier: AGPL-3.0-or-later
// The browser harness itself: a checkin-server started on a free port, an admin made
// with the command line, chromium (headless, as root in CI) reading /healthz, a
// screenshot written, and a failing assertion reported as a failure.
import fs from 'node:fs';
import {
  test, startServer, launchBrowser, newPage, screenshot, signIn, assert, assertEqual, assertIncludes, AssertionError,
} from './lib.mjs';

await test('harness: chromium reads the server', async () => {
  const server = await startServer();
  const admin = server.createAdmin();
  assert(/^[0-9a-f-]{36}$/.test(admin.id), `account create printed an id, got ${JSON.stringify(admin.id)}`);
  const accounts = server.cli(['account', 'list']);
  assertEqual(accounts.status, 0, 'account list exit status');
  assertIncludes(accounts.stdout, `${admin.id}\tadmin\t`, 'account list shows the admin');

  const browser = await launchBrowser();
  const page = await newPage(browser);
  const response = await page.goto(`${server.url}/healthz`);
  assertEqual(response.status(), 200, '/healthz status');
  assertIncludes(await page.textContent('body'), 'ok', '/healthz body');
  const file = await screenshot(page, 'harness-healthz');
  assert(fs.statSync(file).size > 100, `screenshot ${file} written`);
  assertEqual(page.errors, [], 'JavaScript errors on the page');

  // signIn: the admin made on the command line reaches the dashboard; a wrong password does not.
  await signIn(page, server, admin);
  assertIncludes(await page.textContent('body'), admin.name, 'the signed-in page names the admin');
  const stranger = await newPage(browser);
  let refused = '';
  await signIn(stranger, server, { ...admin, password: 'not the password at all' }).catch((error) => { refused = error.message; });
  assertIncludes(refused, 'sign-in as admin failed', 'a wrong password is refused');
});

// The assertions must be able to fail: a wrong expectation throws with both values.
await test('harness: assertions fail with what was seen', async () => {
  let message = '';
  try {
    assertIncludes('ok', 'healthy', '/healthz body');
  } catch (error) {
    assert(error instanceof AssertionError, 'an AssertionError');
    message = error.message;
  }
  assertEqual(message, '/healthz body: expected to contain "healthy", got "ok"', 'the failure message');
});
