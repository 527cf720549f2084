// SPDX-License-Identifier: AGPL-3.0-or-later
// The coordinator's day, end to end in a real browser: sign in (keyboard only), add a
// site, a program and a session open now, import people from a CSV file, issue a pass and
// download it as PNG, create a kiosk enrolment code, run a real headless kiosk enrolled
// with that code which scans the downloaded PNG through its camera path, watch the
// person appear on the live board without reloading, and export the attendance CSV.
// Screenshots of every main page (and the board and sign-in at phone size) go to the
// output dir.
import fs from 'node:fs';
import path from 'node:path';
import {
  test, startServer, launchBrowser, newPage, screenshot, runKiosk, tempDir, outDir, waitFor,
  assert, assertEqual, assertIncludes, assertExcludes, assertMatch,
} from './lib.mjs';

const pad = (n) => String(n).padStart(2, '0');
// An <input type="datetime-local"> value in local time (the server runs in the same zone).
const localInput = (d) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

async function submitAndWait(page, buttonName) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: buttonName }).click()]);
}

async function flash(page) {
  return (await page.locator('.flash').first().textContent().catch(() => '')) ?? '';
}

await test('dashboard: a coordinator\'s day from sign-in to the live board and the CSV', async () => {
  const server = await startServer();
  const admin = server.createAdmin();
  const browser = await launchBrowser();
  const page = await newPage(browser);
  const work = tempDir('checkin-flow-');

  // --- sign in with the keyboard alone: Tab to the username, type, Tab, type, Enter
  await page.goto(`${server.url}/`);
  assertMatch(page.url(), /\/sign-in/, 'an anonymous visitor is sent to sign in');
  await screenshot(page, 'sign-in');
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id === 'username')) break;
  }
  assertEqual(await page.evaluate(() => document.activeElement?.id), 'username', 'Tab reaches the username field');
  await page.keyboard.type(admin.username);
  await page.keyboard.press('Tab');
  assertEqual(await page.evaluate(() => document.activeElement?.id), 'password', 'the next Tab is the password');
  await page.keyboard.type(admin.password);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assertIncludes(await page.textContent('header'), admin.name, 'signed in: the header names the account');
  await screenshot(page, 'home');

  // --- a site, an open program, a session whose check-in window is open now
  await page.goto(`${server.url}/sites`);
  await page.getByLabel('Name of the site').fill('Riverside Centre');
  await submitAndWait(page, 'Add site');
  assertIncludes(await flash(page), 'Riverside Centre', 'the site was added');

  await page.goto(`${server.url}/programs/new`);
  await page.getByLabel('Name', { exact: true }).fill('Community lunch');
  await page.getByLabel('Anyone with a valid pass').check();
  await submitAndWait(page, 'Add program');

  const now = new Date();
  await page.goto(`${server.url}/sessions/new`);
  await page.getByLabel('Program').selectOption({ label: 'Community lunch' });
  await page.getByLabel('Room').fill('Main hall');
  await page.getByLabel('Starts').fill(localInput(new Date(now.getTime() - 10 * 60_000)));
  await page.getByLabel('Ends').fill(localInput(new Date(now.getTime() + 2 * 3600_000)));
  await submitAndWait(page, 'Add session');
  await page.goto(`${server.url}/sessions`);
  assertIncludes(await page.textContent('main'), 'Community lunch', 'the session is listed');
  await screenshot(page, 'sessions');

  // --- import people from a CSV file: the preview, then the import
  const csv = path.join(work, 'people.csv');
  fs.writeFileSync(csv, 'preferred_name,language\r\nRobin,en\r\nSam,es\r\n');
  await page.goto(`${server.url}/people/import`);
  await page.getByLabel('Spreadsheet saved as CSV').setInputFiles(csv);
  await submitAndWait(page, 'Show preview');
  assertIncludes(await page.textContent('main'), '2 people are ready to import', 'the preview counts the rows');
  await screenshot(page, 'import-preview');
  await submitAndWait(page, 'Import 2 people');
  await page.goto(`${server.url}/people`);
  await screenshot(page, 'people');

  // --- Robin's pass: issue it, download the PNG
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Robin' }).click()]);
  await submitAndWait(page, 'Issue pass');
  assertIncludes(await flash(page), 'Pass issued', 'the pass was issued');
  await screenshot(page, 'person-with-pass');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download PNG' }).click(),
  ]);
  assertMatch(download.suggestedFilename(), /^pass-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.png$/, 'the PNG file name');
  assertExcludes(download.suggestedFilename(), 'Robin', 'no name in the file name');
  const passPng = path.join(outDir, 'downloaded-pass.png');
  await download.saveAs(passPng);
  assertEqual([...fs.readFileSync(passPng).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG',
    'the download is a PNG file');

  // --- an enrolment code for a kiosk, read from the page
  await page.goto(`${server.url}/kiosks`);
  await submitAndWait(page, 'Create an enrolment code');
  const code = (await page.locator('#enrolment-code').textContent()).trim();
  assertMatch(code, /^checkin-enrol:v1\?url=.*&token=/, 'the enrolment code as text');
  assert(await page.locator('.enrol-qr svg').isVisible(), 'the enrolment QR code is shown');
  await screenshot(page, 'kiosks-enrolment');

  // --- the live board, open before the kiosk scans: it must update by itself
  await page.goto(`${server.url}/board`);
  assertIncludes(await page.textContent('#board'), 'Nobody here yet.', 'the board before anyone came');
  await page.evaluate(() => { window.stillTheSamePage = true; });
  await screenshot(page, 'board-before');

  // --- a real headless kiosk: enrolled with the code, scans the downloaded PNG
  const kiosk = runKiosk({
    enrol: code,
    script: ['wait-sync 30s', `replay ${passPng}`, 'wait-sync 30s'],
    timeoutMs: 120_000,
  });
  await waitFor(async () => (await page.locator('#board .board-names li').allTextContents()).includes('Robin'),
    'Robin on the live board', { timeoutMs: 90_000, intervalMs: 500 });
  assert(await page.evaluate(() => window.stillTheSamePage === true), 'the board updated without a reload');
  assertEqual(await page.locator('#board [data-field="present"]').first().textContent(), '1', 'one person here now');
  const ran = await kiosk;
  assertEqual(ran.status, 0, `the kiosk's script (log: ${ran.log.slice(-1500)})`);
  assert(ran.screens.some((s) => s.text.includes('Welcome')), 'the kiosk welcomed the pass holder');
  assertEqual(page.errors, [], 'JavaScript errors on the board');
  await screenshot(page, 'board');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'board-phone');
  await page.setViewportSize({ width: 1280, height: 900 });

  // --- the kiosk is listed; passes, review and retention pages
  await page.goto(`${server.url}/kiosks`);
  assertIncludes(await page.textContent('main'), 'Riverside Centre', 'the enrolled kiosk is listed at its site');
  await screenshot(page, 'kiosks');
  await page.goto(`${server.url}/passes`);
  await screenshot(page, 'passes');
  await page.goto(`${server.url}/review`);
  await screenshot(page, 'review');
  await page.goto(`${server.url}/retention`);
  assertIncludes(await page.textContent('main'), 'What is kept, and for how long', 'the retention page explains');
  await screenshot(page, 'retention');

  // --- the attendance report and its CSV
  await page.goto(`${server.url}/reports`);
  await screenshot(page, 'reports');
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download attendance by session (CSV)' }).click(),
  ]);
  const csvFile = path.join(outDir, 'attendance-by-session.csv');
  await csvDownload.saveAs(csvFile);
  const bytes = fs.readFileSync(csvFile);
  assertEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with the UTF-8 byte order mark');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n');
  assertEqual(lines[0], 'Date,Start,End,Site,Program,Room,Attended,Anonymous,Walk-ins,Over capacity', 'the CSV header');
  assertEqual(lines.length, 3, 'one session row and the final CRLF');
  assertMatch(lines[1], /^\d{4}-\d{2}-\d{2},\d{2}:\d{2},\d{2}:\d{2},Riverside Centre,Community lunch,Main hall,1,0,0,$/,
    'the session row with one attendance');
  assertEqual(lines[2], '', 'the file ends with CRLF');

  // --- sign-in at phone size
  const phone = await newPage(browser, { viewport: { width: 390, height: 844 } });
  await phone.goto(`${server.url}/sign-in`);
  await screenshot(phone, 'sign-in-phone');
  assertEqual(phone.errors, [], 'JavaScript errors on the phone page');
}, { timeoutMs: 240_000 });
