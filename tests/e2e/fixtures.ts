import { test as base, expect, type Page } from '@playwright/test';
import { loginToken, rpc, startHost, type RunningHost } from '../fixtures/web-host-process';

/** Each test gets its own web host (demo mode) and data dir; the page's baseURL points at it. */
export const test = base.extend<{ hall: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as an object pattern
  hall: async ({}, use) => {
    const host = await startHost(['--demo']);
    await use(host);
    await host.stop();
  },
  baseURL: async ({ hall }, use) => {
    await use(hall.url);
  },
});

export { expect };

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/**
 * The demo host's in-process district simulator URL, once the link to it is up: a fresh host
 * listens first and starts the simulator in the background, so a test that asks at once waits.
 */
export async function simulatorUrl(hallUrl: string): Promise<string> {
  const token = await loginToken(hallUrl, 'operator', 'operator123');
  let url: string | null = null;
  await expect
    .poll(
      async () => {
        const status = await rpc<{ url: string | null }>(hallUrl, 'link.status', {}, token);
        url = status.body.ok ? status.body.value.url : null;
        return url;
      },
      { timeout: 20_000, message: 'the demo simulator never came up (link.status has no url)' },
    )
    .not.toBeNull();
  return url!.replace(/\/$/, '');
}
