// SPDX-License-Identifier: AGPL-3.0-or-later
// Helpers for browser tests: a real checkin-server on 127.0.0.1, Debian's chromium
// (headless, driven by playwright-core), screenshots, assertions, and clean-up that runs
// even when a test fails. Run tests through run.sh, which sets:
//   CHECKIN_SERVER       the checkin-server binary
//   CHECKIN_KIOSK        the checkin-kiosk binary (may be empty)
//   CHECKIN_BROWSER_OUT  where screenshots and the logs of failed tests go
//
// A test:
//   import { test, startServer, launchBrowser, newPage, screenshot, assertIncludes } from './lib.mjs';
//   await test('sign-in page', async () => {
//     const server = await startServer();
//     const admin = server.createAdmin();
//     const page = await newPage(await launchBrowser());
//     await signIn(page, server, admin);
//     await screenshot(page, 'home');
//   });
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const serverBinary = process.env.CHECKIN_SERVER || '';
export const kioskBinary = process.env.CHECKIN_KIOSK || '';
export const outDir = process.env.CHECKIN_BROWSER_OUT || path.resolve('browser-out');
export const chromiumPath = process.env.CHECKIN_CHROMIUM || '/usr/bin/chromium';

// --- clean-up: last registered runs first, at the end of each test(), whatever happened ---

const cleanups = [];
const children = new Set();  // spawned processes, killed on any exit

export function onCleanup(fn) {
  cleanups.push(fn);
}

async function cleanUp() {
  while (cleanups.length > 0) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      console.error(`clean-up: ${error?.message ?? error}`);
    }
  }
}

// A last resort when node exits without running clean-up (process.exit, a crash).
process.on('exit', () => {
  for (const child of children) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    console.error(`${signal}: cleaning up`);
    await cleanUp();
    process.exit(1);
  });
}

export function tempDir(prefix = 'checkin-browser-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// --- assertions: each throws an Error that says what was expected and what was seen ---

export class AssertionError extends Error {}

export function assert(condition, message) {
  if (!condition) throw new AssertionError(message);
}

export function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${what}: expected ${e}, got ${a}`);
}

export function assertIncludes(text, part, what) {
  if (typeof text !== 'string' || !text.includes(part))
    throw new AssertionError(`${what}: expected to contain ${JSON.stringify(part)}, got ${preview(text)}`);
}

export function assertExcludes(text, part, what) {
  if (typeof text === 'string' && text.includes(part))
    throw new AssertionError(`${what}: expected not to contain ${JSON.stringify(part)}, got ${preview(text)}`);
}

export function assertMatch(text, regex, what) {
  if (typeof text !== 'string' || !regex.test(text))
    throw new AssertionError(`${what}: expected to match ${regex}, got ${preview(text)}`);
}

function preview(text) {
  const s = typeof text === 'string' ? text : String(text);
  return JSON.stringify(s.length > 600 ? s.slice(0, 600) + '…' : s);
}

// Waits until `probe()` returns something truthy (polling), or throws with `what`.
export async function waitFor(probe, what, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new AssertionError(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// --- checkin-server ---

// Runs the command line on a database: { status, stdout, stderr }. `input` goes to stdin
// (how passwords are given).
export function cli(db, args, { input = '', config = null } = {}) {
  assert(serverBinary, 'CHECKIN_SERVER is not set (run the test through tests/browser/run.sh)');
  const argv = [...args, '--db', db, ...(config ? ['--config', config] : [])];
  const result = spawnSync(serverBinary, argv, { input, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Like cli() but a failure throws with the command and its stderr; answers stdout's first line
// (what a command that makes something prints: its id).
export function cliId(db, args, options = {}) {
  const result = cli(db, args, options);
  if (result.status !== 0)
    throw new AssertionError(`checkin-server ${args.join(' ')}: exit ${result.status}: ${result.stderr.trim()}`);
  return result.stdout.split('\n')[0].trim();
}

// Starts `checkin-server serve` on a new SQLite database in a temp dir, listening on a
// free port of 127.0.0.1, and waits for /healthz. `args` are extra arguments (e.g.
// ['--set', 'dashboard.session_idle_minutes=1']). Stopped at clean-up.
export async function startServer({ args = [], db = null } = {}) {
  assert(serverBinary, 'CHECKIN_SERVER is not set (run the test through tests/browser/run.sh)');
  const dir = tempDir('checkin-server-');
  const database = db ?? path.join(dir, 'server.db');
  const portFile = path.join(dir, 'port');
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(serverBinary,
    ['serve', '--db', database, '--listen', '127.0.0.1:0', '--port-file', portFile, ...args],
    { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  children.add(child);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; children.delete(child); });

  const server = {
    db: database,
    dir,
    process: child,
    port: 0,
    url: '',
    log: () => fs.readFileSync(logFile, 'utf8'),
    cli: (cliArgs, options) => cli(database, cliArgs, options),
    cliId: (cliArgs, options) => cliId(database, cliArgs, options),
    // An admin account made with the command line (how the first admin is made).
    createAdmin: ({ username = 'admin', password = 'correct horse battery staple', name = 'Test Admin' } = {}) => {
      const id = cliId(database, ['account', 'create', username, '--name', name, '--role', 'admin'],
        { input: password + '\n' });
      return { id, username, password, name };
    },
    createCoordinator: ({ username, password = 'correct horse battery staple', name = username, sites = [] }) => {
      const siteArgs = sites.flatMap((site) => ['--site', site]);
      const id = cliId(database, ['account', 'create', username, '--name', name, '--role', 'coordinator', ...siteArgs],
        { input: password + '\n' });
      return { id, username, password, name };
    },
    async stop() {
      if (exited) return exited;
      const done = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await done;
      clearTimeout(timer);
      return result;
    },
  };
  onCleanup(async () => {
    if (failing) copyToOut(logFile, `server-${path.basename(dir)}.log`);
    await server.stop();
  });

  const text = await waitFor(() => {
    if (exited) throw new AssertionError(`checkin-server exited at start (${JSON.stringify(exited)}):\n${server.log()}`);
    return fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim();
  }, 'checkin-server to write its port file', { timeoutMs: 30_000, intervalMs: 50 }).catch((error) => {
    throw new AssertionError(`${error.message}\n${server.log()}`);
  });
  server.port = Number(text);
  server.url = `http://127.0.0.1:${server.port}`;
  await waitFor(async () => (await fetch(`${server.url}/healthz`)).ok, `${server.url}/healthz`, { timeoutMs: 10_000 });
  return server;
}

// --- checkin-kiosk ---

// Runs a headless, scripted checkin-kiosk to the end of its script (see
// kiosk/app's --script: "scan TEXT", "tap ID", "wait-sync 30s", ...), enrolled first with
// `enrol` (an enrolment code) when given, on a kiosk database in `dir` (reuse the dir to
// run the same kiosk again). Answers { status, log, dir, screens }: screens are the text
// of each screenshot in order ({ file, text }), what the kiosk showed. Asynchronous, so
// a page can watch the server meanwhile.
export async function runKiosk({ script = [], enrol = null, dir = null, set = [], timeoutMs = 90_000 } = {}) {
  assert(kioskBinary, 'CHECKIN_KIOSK is not set (run.sh --kiosk PATH)');
  const kioskDir = dir ?? tempDir('checkin-kiosk-');
  const scriptFile = path.join(kioskDir, `script-${Date.now()}.txt`);
  fs.writeFileSync(scriptFile, script.join('\n') + '\n');
  const shots = fs.mkdtempSync(path.join(kioskDir, 'shots-'));
  const argv = ['--headless', '--script', scriptFile, '--screenshots', shots,
    '--set', `kiosk.database=${path.join(kioskDir, 'kiosk.db')}`, ...set.flatMap((s) => ['--set', s])];
  if (enrol) argv.push('--enrol', enrol);
  const child = spawn(kioskBinary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  clearTimeout(timer);
  children.delete(child);
  const screens = fs.readdirSync(shots).filter((f) => f.endsWith('.txt')).sort()
    .map((f) => ({ file: path.join(shots, f), text: fs.readFileSync(path.join(shots, f), 'utf8') }));
  return { status, log, dir: kioskDir, screens };
}

// --- chromium ---

// Debian's chromium, headless. --no-sandbox: CI runs as root, where chromium's sandbox
// refuses to start; --disable-dev-shm-usage: containers have a small /dev/shm.
export async function launchBrowser(options = {}) {
  assert(fs.existsSync(chromiumPath), `no chromium at ${chromiumPath} (deploy/install-deps.sh installs it)`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    ...options,
  });
  onCleanup(() => browser.close());
  return browser;
}

const openPages = [];

// A page in a fresh context (its own cookies). JavaScript errors on the page are
// collected in page.errors and printed; a test can assert there are none.
export async function newPage(browser, { viewport = { width: 1280, height: 900 }, ...contextOptions } = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => {
    page.errors.push(error.message);
    console.error(`page error: ${error.message}`);
  });
  // Failed loads are printed with their address (the console's message has none).
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      console.error(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico'))
      console.error(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  openPages.push(page);
  return page;
}

// Signs in on the dashboard's sign-in page with an account from createAdmin or
// createCoordinator, and waits until the browser has left the sign-in page.
export async function signIn(page, server, account) {
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  const url = new URL(page.url());
  if (url.pathname.startsWith('/sign-in'))
    throw new AssertionError(`sign-in as ${account.username} failed: ${preview(await page.textContent('body'))}`);
}

function safeName(name) {
  return String(name).replace(/[^A-Za-z0-9._-]+/g, '-');
}

function copyToOut(file, name) {
  try {
    fs.mkdirSync(outDir, { recursive: true });
    fs.copyFileSync(file, path.join(outDir, safeName(name)));
  } catch { /* nothing to keep */ }
}

// A full-page PNG in the output dir; returns its path.
export async function screenshot(page, name) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${safeName(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// --- running a test ---

let failing = false;

// Runs `body`; on failure prints the error, keeps a screenshot of each open page and the
// server logs in the output dir, and sets the exit status 1. Clean-up always runs.
// `timeoutMs` bounds the whole test, so a page that never loads cannot hang CI.
export async function test(name, body, { timeoutMs = 120_000 } = {}) {
  const started = Date.now();
  failing = false;
  openPages.length = 0;
  let timer;
  try {
    await Promise.race([
      body(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new AssertionError(`test timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failing = true;
    process.exitCode = 1;
    console.error(`FAIL ${name}: ${error instanceof AssertionError ? error.message : error?.stack ?? error}`);
    for (const [i, page] of openPages.entries()) {
      try {
        if (!page.isClosed()) console.error(`  page ${i}: ${page.url()} -> ${await screenshot(page, `FAILED-${name}-${i}`)}`);
      } catch { /* the browser may be gone */ }
    }
  } finally {
    clearTimeout(timer);
    await cleanUp();
  }
}
