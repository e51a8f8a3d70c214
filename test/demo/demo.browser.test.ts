import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { type DemoProcess, exitWithin, repoRoot, startDemoProcess, tempDir } from './demo-process.js';

/** Debian's Chromium; .ci/run installs it when it is missing. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(repoRoot, 'artifacts', 'screenshots');
const USER = 'alice';
const STEP_TIMEOUT_MS = 10_000;
const SIGNED_OUT_AT = /Signed out at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/;

interface ServiceUnderTest {
  readonly name: 'Service A' | 'Service B';
  readonly url: string;
  readonly cookieName: string;
  readonly page: Page;
}

/** Waits until the locator shows text matching pattern; its text after. */
async function waitForText(locator: Locator, pattern: RegExp, timeout = STEP_TIMEOUT_MS): Promise<string> {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout });
  return (await locator.first().textContent()) ?? '';
}

const statusOf = (page: Page) => page.getByTestId('status');

/** GET /me with only this cookie, as a replayed request would be: signed in iff 200 and signedIn. */
async function signedInWith(service: ServiceUnderTest, cookie: string): Promise<boolean> {
  const response = await fetch(`${service.url}/me`, {
    headers: { cookie: `${service.cookieName}=${cookie}` },
    redirect: 'manual',
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const body = response.status === 200 ? ((await response.json()) as { signedIn?: boolean }) : {};
  return response.status === 200 && body.signedIn === true;
}

describe('the demo in a real browser', { timeout: 60_000 }, () => {
  const dataDir = tempDir('lc-demo-browser-');
  let demo: DemoProcess;
  let browser: Browser;
  let context: BrowserContext;
  let authenticator: Page;
  let step = 0;

  const screenshot = async (page: Page, name: string) => {
    step += 1;
    await page.screenshot({ path: join(SCREENSHOTS, `${String(step).padStart(2, '0')}-${name}.png`) });
  };
  const sessionCookie = async (service: ServiceUnderTest) => {
    const cookies = await context.cookies(service.url);
    const cookie = cookies.find((c) => c.name === service.cookieName);
    assert.ok(cookie, `${service.name} set its session cookie`);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    return cookie.value;
  };

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    demo = await startDemoProcess(dataDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 20_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    authenticator = await context.newPage();
    await authenticator.goto(`${demo.authenticatorUrl}?user=${USER}`);
  });

  after(async () => {
    try {
      // Stopped while its pages are still open (event streams included), as with Ctrl-C.
      const stopping = Date.now();
      if (demo) assert.equal(await exitWithin(demo, 'SIGTERM', 10_000), 0);
      process.stdout.write(`# the demo exited ${Date.now() - stopping} ms after SIGTERM\n`);
    } finally {
      await browser?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  /** Sign in with LaunchKey on the service's page, approve on the authenticator, see the session. */
  async function signIn(service: ServiceUnderTest, shots: boolean): Promise<void> {
    const { page } = service;
    await page.goto(service.url);
    await page.getByLabel('LaunchKey username').fill(USER);
    if (shots) await screenshot(page, 'service-a-sign-in');
    await page.getByRole('button', { name: 'Sign in with LaunchKey' }).click();
    await waitForText(statusOf(page), new RegExp(`Waiting for ${USER} to approve`));
    if (shots) await screenshot(page, 'service-a-waiting');

    const request = authenticator.getByTestId('pending-request').filter({ hasText: service.name });
    await request.waitFor();
    if (shots) await screenshot(authenticator, 'authenticator-approve');
    await request.getByRole('button', { name: 'Approve' }).click();

    await waitForText(statusOf(page), new RegExp(`Signed in as ${USER}`));
    await waitForText(page.getByTestId('live'), /^Live:/);
  }

  test('sign in to two services, Clear one, Clear All, sign in again', async () => {
    const serviceA: ServiceUnderTest = {
      name: 'Service A',
      url: demo.serviceA,
      cookieName: 'service_a_sid',
      page: await context.newPage(),
    };
    const serviceB: ServiceUnderTest = {
      name: 'Service B',
      url: demo.serviceB,
      cookieName: 'service_b_session',
      page: await context.newPage(),
    };
    const clearButton = (service: ServiceUnderTest) =>
      authenticator
        .getByTestId('signed-in-service')
        .filter({ hasText: service.name })
        .getByRole('button', { name: 'Clear', exact: true });

    // 1–2. Sign in to both services through the Mobile Authenticator.
    await signIn(serviceA, true);
    await screenshot(serviceA.page, 'service-a-signed-in');
    await signIn(serviceB, false);
    await clearButton(serviceB).waitFor();
    await screenshot(authenticator, 'authenticator-both-signed-in');
    const oldCookieA = await sessionCookie(serviceA);
    const oldCookieB = await sessionCookie(serviceB);
    assert.equal(await signedInWith(serviceA, oldCookieA), true);

    // 3. Clear Service A: its open page shows the logout without a reload; B stays signed in.
    await serviceA.page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    const clearedAt = Date.now();
    await clearButton(serviceA).click();
    const shownA = await waitForText(statusOf(serviceA.page), SIGNED_OUT_AT, 5_000);
    const clearToPageMs = Date.now() - clearedAt;
    process.stdout.write(`# Clear to "signed out" on the page: ${clearToPageMs} ms\n`);
    assert.ok(clearToPageMs < 3_000, `the page showed the logout after ${clearToPageMs} ms`);
    assert.match(shownA, SIGNED_OUT_AT);
    assert.equal(
      await serviceA.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
      true,
      'the page was updated in place, not reloaded',
    );
    await screenshot(serviceA.page, 'service-a-signed-out');
    assert.equal(await signedInWith(serviceA, oldCookieA), false, "A's old cookie no longer works");
    assert.match((await statusOf(serviceB.page).textContent()) ?? '', new RegExp(`Signed in as ${USER}`));
    assert.equal(await signedInWith(serviceB, oldCookieB), true, 'B is still signed in');
    await serviceB.page.reload();
    await waitForText(statusOf(serviceB.page), new RegExp(`Signed in as ${USER}`));

    // 4. Sign in to A again, then Clear All: both pages show the logout.
    await signIn(serviceA, false);
    await waitForText(serviceB.page.getByTestId('live'), /^Live:/);
    const cookieA2 = await sessionCookie(serviceA);
    await authenticator.getByRole('button', { name: 'Clear All' }).click();
    await waitForText(statusOf(serviceA.page), SIGNED_OUT_AT, 5_000);
    await waitForText(statusOf(serviceB.page), SIGNED_OUT_AT, 5_000);
    await screenshot(serviceB.page, 'service-b-signed-out');
    await waitForText(authenticator.getByTestId('delivery-summary'), /3 delivered/);
    await screenshot(authenticator, 'authenticator-after-clear-all');
    assert.equal(await signedInWith(serviceA, cookieA2), false);
    assert.equal(await signedInWith(serviceB, oldCookieB), false, "B's signed cookie is authentic but ended");

    // 5. Sign in again: the new sessions started after the cutoff, so they stay.
    await signIn(serviceB, false);
    await signIn(serviceA, false);
    const newCookieA = await sessionCookie(serviceA);
    const newCookieB = await sessionCookie(serviceB);
    assert.notEqual(newCookieB, oldCookieB);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the second of any cutoff
    for (const service of [serviceA, serviceB]) {
      await service.page.reload();
      await waitForText(statusOf(service.page), new RegExp(`Signed in as ${USER}`));
    }
    assert.equal(await signedInWith(serviceA, newCookieA), true);
    assert.equal(await signedInWith(serviceB, newCookieB), true);
    assert.equal(await signedInWith(serviceB, oldCookieB), false, 'the old cookie stays ended');
    await screenshot(serviceB.page, 'service-b-signed-in-again');
  });
});
