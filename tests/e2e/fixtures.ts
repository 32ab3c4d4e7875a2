import { test as base, expect, type Page } from '@playwright/test';
import { startHost, type RunningHost } from '../fixtures/web-host-process';

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
