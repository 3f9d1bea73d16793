/**
 * Test helper: the dashboard's static build (made when missing) and a headless Debian Chromium driven
 * by playwright-core, with the launch flags that keep it off the network (tooling.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/* The callbacks of page.evaluate run in the page: its globals, typed loosely (the test project has no DOM lib). */
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

export const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.REELAY_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'test-output/dashboard');

/** Builds dashboard/dist unless it is there (tests run against what `npm start` serves). */
export function ensureDashboardBuilt(): void {
  if (existsSync(path.join(ROOT, 'dashboard/dist/index.html'))) return;
  execFileSync('npm', ['run', 'build', '-w', 'dashboard', '--silent'], { cwd: ROOT, stdio: 'pipe' });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Serious and critical axe-core violations of the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const axe = require('axe-core') as { source: string };
  // Runs through DevTools, not as a page script, so the page's CSP does not apply to it.
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const found: { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] } = await window.axe.run(document, { resultTypes: ['violations'] });
    return found;
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
