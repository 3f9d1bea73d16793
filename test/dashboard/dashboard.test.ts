/**
 * The dashboard in a real browser (Debian Chromium, headless) against a real `reelay start` (bridge +
 * in-process renderer, SQLite, Redis): sign-in, keys shown once, a render key without key
 * management, frame preview pixels, a render from the editor to done and its video playing, a masked
 * connection secret, a webhook delivery with its attempts, revocation ending a session, and the
 * security checks (cookie flags, a cross-site POST, markup in names shown as text, CSP). Every page is
 * screenshotted into test-output/dashboard/ and checked with axe-core (no serious violation).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createInstall, type Install } from '../e2e/harness';
import { existsSync } from 'node:fs';
import { CHROMIUM, ensureDashboardBuilt, launchChromium, screenshot, seriousViolations } from './browser';

/* The callbacks of page.evaluate run in the page: its globals, typed loosely (the test project has no DOM lib). */
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

jest.setTimeout(120_000);

// `npm test` installs Debian's chromium (scripts/system-deps.sh); elsewhere, say why nothing ran.
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM} (REELAY_TEST_CHROMIUM)`);

describeWithChromium('the dashboard in Chromium', () => {
  let install: Install;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  const receiver: { server?: http.Server; hits: number } = { hits: 0 };

  beforeAll(async () => {
    ensureDashboardBuilt();
    install = await createInstall();
    await install.spawn('start');
    browser = await launchChromium();
    receiver.server = http.createServer((req, res) => {
      receiver.hits++;
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => receiver.server!.listen(0, '127.0.0.1', r));
  });

  afterAll(async () => {
    await browser?.close();
    receiver.server?.close();
    await install?.stop();
  });

  async function signIn(context: BrowserContext, key: string): Promise<Page> {
    const p = await context.newPage();
    p.on('dialog', (d) => {
      throw new Error(`unexpected dialog: ${d.message()}`);
    });
    await p.goto(install.url + '/');
    await p.getByLabel('API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
    return p;
  }

  async function open(p: Page, pageId: string, heading: string | RegExp): Promise<void> {
    await p.goto(`${install.url}/#/${pageId}`);
    await p.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  async function expectAccessible(p: Page): Promise<void> {
    expect(await seriousViolations(p)).toEqual([]);
  }

  const editorMovie = {
    resolution: 'custom',
    width: 320,
    height: 180,
    quality: 'low',
    scenes: [
      { duration: 1, 'background-color': '#ff0000', elements: [] },
      { duration: 1, 'background-color': '#0000ff', elements: [{ type: 'text', text: '{{word}}', settings: { 'font-size': 30, color: '#ffffff' } }] },
    ],
    variables: { word: 'hello' },
  };

  test('the app is served with a strict CSP and no inline script; sign-in sets HttpOnly SameSite=Strict cookies', async () => {
    const res = await fetch(install.url + '/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const signInPage = await admin.newPage();
    await signInPage.goto(install.url + '/');
    await signInPage.getByLabel('API key').waitFor();
    await expectAccessible(signInPage);
    await screenshot(signInPage, '01-sign-in');
    // Keyboard only: Tab to the field, type, Tab to the button, Enter.
    await signInPage.keyboard.press('Tab');
    expect(await signInPage.evaluate(() => document.activeElement?.id)).toBe('key');
    await signInPage.keyboard.type(install.key);
    await signInPage.keyboard.press('Tab');
    await signInPage.keyboard.press('Enter');
    await signInPage.getByRole('button', { name: 'Sign out' }).waitFor();
    page = signInPage;

    const cookies = await admin.cookies();
    const session = cookies.find((c) => c.name === 'reelay_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(session.secure).toBe(false); // plain http here; Secure over https (session.test.ts)
    expect(await page.evaluate(() => document.cookie)).not.toContain('reelay_session');
    await screenshot(page, '02-renders-empty');
  });

  let renderKey = '';

  test('creating a render key shows it once, then only its prefix', async () => {
    await open(page, 'keys', 'API keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('Name').fill('render robot');
    await page.getByLabel('Role', { exact: true }).selectOption('render');
    await screenshot(page, '03-keys-create-dialog');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    renderKey = (await shown.textContent())!.trim();
    expect(renderKey).toMatch(/^rly_/);
    await expect(page.getByText('It is shown only this once', { exact: false }).isVisible()).resolves.toBe(true);
    await screenshot(page, '04-keys-shown-once');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.locator('tr[data-key-id]', { hasText: 'render robot' });
    await row.waitFor();
    const prefix = (await row.locator('code.prefix').textContent())!;
    expect(renderKey.startsWith(prefix.replace(/….*$/, ''))).toBe(true);
    expect(await page.content()).not.toContain(renderKey);
    await page.reload();
    await page.locator('tr[data-key-id]', { hasText: 'render robot' }).waitFor();
    expect(await page.content()).not.toContain(renderKey);
    // The primary key has been used (this sign-in's requests): its chart has a bar for today.
    await page.getByRole('button', { name: 'Usage of primary' }).click();
    await page.locator('svg.chart').waitFor();
    expect(await page.locator('svg.chart').getAttribute('aria-label')).toMatch(/ [1-9]\d*(,|$)/);
    await expectAccessible(page);
    await screenshot(page, '05-keys-list-usage-audit');
  });

  test('signed in with the render key, there is no key management and the API refuses it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await signIn(ctx, renderKey);
    const nav = await p.getByRole('navigation', { name: 'Pages' }).textContent();
    expect(nav).toContain('Renders');
    expect(nav).toContain('Editor');
    expect(nav).not.toContain('API keys');
    expect(nav).not.toContain('Connections');
    await p.goto(`${install.url}/#/keys`);
    await p.getByRole('heading', { level: 1, name: 'Renders' }).waitFor();
    const status = await p.evaluate(async () => (await fetch('/v2/keys')).status);
    expect(status).toBe(403);
    await screenshot(p, '06-render-key-phone');
    await expectAccessible(p);
    await open(p, 'editor', 'Movie editor');
    await p.getByText('Valid —').waitFor();
    await screenshot(p, '06b-editor-phone');
    await expectAccessible(p);
    await ctx.close();
  });

  test('the editor previews a frame at the slider time (pixels checked), then renders it to done and the video plays', async () => {
    await open(page, 'editor', 'Movie editor');
    await page.locator('#movie-json').fill(JSON.stringify(editorMovie, null, 2));
    await page.getByText('Valid —').waitFor();
    await page.getByLabel('word').fill('Reelay');
    const colourAt = async () => {
      const img = page.getByTestId('preview');
      await img.waitFor();
      return page.evaluate(async () => {
        const el = document.querySelector('[data-testid=preview]');
        await el.decode();
        const c = document.createElement('canvas');
        c.width = el.naturalWidth;
        c.height = el.naturalHeight;
        const g = c.getContext('2d')!;
        g.drawImage(el, 0, 0);
        return { size: [el.naturalWidth, el.naturalHeight], rgb: [...g.getImageData(10, 10, 1, 1).data.slice(0, 3)] };
      });
    };
    await page.getByText('Frame at 0.00 s').waitFor();
    // The editor previews as it goes: the frame shown may still be of the movie before the one typed.
    let first = await colourAt();
    for (let i = 0; i < 75 && first.size[0] !== 320; i++) {
      await page.waitForTimeout(200);
      first = await colourAt();
    }
    expect(first.size).toEqual([320, 180]);
    expect(first.rgb[0]).toBeGreaterThan(200);
    expect(first.rgb[2]).toBeLessThan(40);
    // Scrub into the second scene.
    await page.locator('#time').fill('1.5');
    await page.getByText(/Frame at 1\.[4-6]\d s/).waitFor();
    const second = await colourAt();
    expect(second.rgb[2]).toBeGreaterThan(200);
    expect(second.rgb[0]).toBeLessThan(40);
    await expectAccessible(page);
    await screenshot(page, '07-editor-preview');

    await page.getByRole('button', { name: 'Render', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Renders' }).waitFor();
    const open1 = page.getByRole('button', { name: /^Open render / }).first();
    await open1.click();
    await page.locator('.detail .status-done').waitFor({ timeout: 90_000 });
    const player = page.getByTestId('player');
    await player.waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=player]')?.getAttribute('data-duration')) > 0, undefined, { timeout: 30_000 });
    const duration = Number(await player.getAttribute('data-duration'));
    expect(duration).toBeGreaterThan(1.8);
    expect(duration).toBeLessThan(2.3);
    await expectAccessible(page);
    await screenshot(page, '08-renders-done-player');
  });

  test('search finds a render by its client data on the server (past the first page); any render can be rendered again', async () => {
    // One render with a client-data word, then 21 newer ones: the list shows 20 a page, so the first
    // is on page two and a filter of the shown page could not find it.
    const tagged = await install.api('POST', '/v2/movies', { body: { ...editorMovie, 'client-data': { customer: 'Zanzibar Ltd' } } });
    expect(tagged.status).toBe(200);
    for (let i = 0; i < 21; i++) {
      const filler = await install.api('POST', '/v2/movies', { body: { ...editorMovie, variables: { word: `n${i}` } } });
      // Cancelled at once: they only fill the list.
      expect((await install.api('DELETE', `/v2/movies/${filler.body.project}`)).status).toBe(200);
    }
    await open(page, 'renders', 'Renders');
    // The page may already be the list (from the editor test): load it afresh.
    await page.reload();
    const rows = page.getByRole('button', { name: /^Open render / });
    await page.waitForFunction(() => document.querySelectorAll('button[aria-label^="Open render "]').length === 20);
    expect(await page.getByRole('button', { name: `Open render ${tagged.body.project}` }).count()).toBe(0);
    await page.getByLabel('Search').fill('zanzibar');
    await page.waitForFunction(() => document.querySelectorAll('button[aria-label^="Open render "]').length === 1);
    await page.getByRole('button', { name: `Open render ${tagged.body.project}` }).click();
    expect(await rows.count()).toBe(1);
    await screenshot(page, '08b-renders-search');

    // Render again (not a template render): a new render of the same movie opens, and gets done.
    await page.getByRole('button', { name: 'Render again', exact: true }).click();
    await page.waitForFunction((old: string) => {
      const h = document.querySelector('.detail h2');
      return h && h.textContent !== old;
    }, tagged.body.project);
    const project = (await page.locator('.detail h2').textContent())!;
    const again = await install.api('GET', `/v2/movies/${project}/movie`);
    expect(again.body.movie).toEqual({ ...editorMovie, 'client-data': { customer: 'Zanzibar Ltd' } });
    await page.locator('.detail .status-done').waitFor({ timeout: 90_000 });
    await screenshot(page, '08c-renders-rendered-again');
  });

  test('a connection secret is masked once saved', async () => {
    await open(page, 'connections', 'Connections');
    await page.getByRole('button', { name: 'New connection' }).click();
    await page.getByLabel('Type').selectOption('elevenlabs');
    await page.getByLabel('Id (movies name it)').fill('my-voice');
    await page.getByLabel(/^apiKey/).fill('sk-very-secret-value-123');
    await screenshot(page, '09-connections-form');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('tr[data-connection="my-voice"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('••••••••');
    expect(await page.content()).not.toContain('sk-very-secret-value-123');
    await expectAccessible(page);
    await screenshot(page, '10-connections-masked');
  });

  test('a webhook gets a test ping, and the delivery log shows it with its attempts', async () => {
    await open(page, 'webhooks', 'Webhooks');
    const url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}/hook`;
    await page.getByLabel('Receiver URL').fill(url);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('button', { name: `Deliveries of ${url}` }).click();
    await page.getByRole('button', { name: 'Send test ping' }).click();
    const delivered = page.locator('tr[data-delivery] .status-succeeded');
    await delivered.first().waitFor({ timeout: 30_000 });
    expect(receiver.hits).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Attempts' }).first().click();
    await page.getByText(/#1 at .*: 200/).waitFor();
    await expectAccessible(page);
    await screenshot(page, '11-webhooks-deliveries');
  });

  test('templates: a name with markup is shown as text; the CSV batch form is there', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const made = await install.api('POST', '/v2/templates', { body: { name: evil, movie: editorMovie } });
    expect(made.status).toBe(201);
    await open(page, 'templates', 'Templates');
    const cell = page.locator('td.template-name', { hasText: evil });
    await cell.waitFor();
    expect(await cell.textContent()).toBe(evil);
    expect(await page.locator('td.template-name img').count()).toBe(0);
    await page.getByRole('button', { name: `Render ${evil}` }).click();
    await page.getByLabel(/Batch: paste CSV/).waitFor();
    await expectAccessible(page);
    await screenshot(page, '12-templates-markup-as-text');
    await open(page, 'account', 'Account');
    await page.getByTestId('credits').waitFor();
    await expectAccessible(page);
    await screenshot(page, '13-account');
  });

  test('a cross-site POST is refused: no cookie goes along, and without the CSRF token even a same-site one is refused', async () => {
    const before = (await install.api('GET', '/v2/templates')).body.count;
    // Another site (localhost vs 127.0.0.1) whose page posts a form to the bridge at once.
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form method="POST" action="${install.url}/v2/templates" enctype="text/plain"><input name='{"name":"forged","movie":{"scenes":[]},"x":"' value='"}'></form><script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const p = await admin.newPage();
      const answer = p.waitForResponse((r) => r.url().endsWith('/v2/templates') && r.request().method() === 'POST');
      await p.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      expect((await answer).status()).toBe(401);
      await p.close();
    } finally {
      evil.close();
    }
    // Same origin, cookie sent, but no X-CSRF-Token header.
    const status = await page.evaluate(async () => (await fetch('/v2/templates', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'no token', movie: { scenes: [] } }) })).status);
    expect(status).toBe(403);
    expect((await install.api('GET', '/v2/templates')).body.count).toBe(before);
  });

  test("revoking a key ends its session: the next action shows sign-in", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await signIn(ctx, renderKey);
    await open(page, 'keys', 'API keys');
    await page.getByRole('button', { name: 'Revoke render robot' }).click();
    await screenshot(page, '14-keys-revoke-confirm');
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('tr[data-key-id]', { hasText: 'render robot' }).locator('.status-revoked').waitFor();
    await p.getByRole('link', { name: 'Editor' }).click();
    await p.getByText('Your session has ended').waitFor();
    await p.getByLabel('API key').waitFor();
    await screenshot(p, '15-session-ended');
    await ctx.close();
  });
});
