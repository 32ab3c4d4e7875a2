import { expect, login, test } from './fixtures';
import { loginToken, rpc } from '../fixtures/web-host-process';

test('an operator signs in, sees the towns and 68 demo villages, searches a village and signs out', async ({ page }) => {
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('shell')).toBeVisible();
  await expect(page.getByTestId('user-badge')).toContainText('值班员');
  await expect(page.getByTestId('conn-indicator')).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('clock')).toHaveText(/\d{2}:\d{2}:\d{2}/);
  for (const room of ['overview', 'alerts', 'map', 'wall', 'warnings', 'incidents', 'resources', 'settings']) {
    await expect(page.getByTestId(`nav-${room}`)).toBeVisible();
  }

  const tree = page.getByTestId('station-tree');
  await expect(tree.locator('[data-testid="station-node"][data-level="town"]')).toHaveCount(8);
  await expect(tree.locator('[data-testid="station-node"][data-level="village"]')).toHaveCount(68);
  await expect(tree.locator('[data-code="441602101000"]')).toContainText('埔前镇');
  await expect(page.getByTestId('kpi-villages')).toContainText('68');

  await page.getByTestId('station-search').fill('埔前演示村07');
  await expect(tree.locator('[data-testid="station-node"][data-level="village"]')).toHaveCount(1);
  const village = tree.locator('[data-code="441602101207"]');
  await expect(village).toContainText('埔前演示村07');
  await expect(village.getByTestId('demo-badge')).toBeVisible();
  await expect(tree.locator('[data-code="441602101000"]')).toBeVisible(); // its town stays visible

  await page.getByTestId('station-search').fill('441602001003');
  await expect(tree.locator('[data-testid="station-node"][data-level="village"]')).toHaveCount(1);
  await village.waitFor({ state: 'detached' });

  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('a wrong password shows a clear error and keeps the operator on the login screen', async ({ page }) => {
  await login(page, 'operator', 'not-the-password');
  await expect(page.getByTestId('login-error')).toBeVisible();
  await expect(page.getByTestId('login-error')).toContainText(/用户名或密码错误/);
  await expect(page.getByTestId('shell')).toHaveCount(0);
});

test('the login screen lists the demo accounts in demo mode', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await expect(page.getByTestId('demo-accounts')).toContainText('operator123');
});

test('a wall display renders with a wall token and never asks to log in', async ({ page, hall }) => {
  const admin = await loginToken(hall.url, 'admin', 'admin123');
  const issued = await rpc<{ token: string }>(hall.url, 'auth.issueWallToken', { screenId: 'screen-1' }, admin);
  if (!issued.body.ok) throw new Error(JSON.stringify(issued.body));
  await page.goto(`/wall/screen-1?token=${issued.body.value.token}`);
  await expect(page.getByTestId('wall-screen')).toBeVisible();
  await expect(page.getByTestId('wall-screen')).toHaveAttribute('data-screen-id', 'screen-1');
  await expect(page.getByTestId('wall-screen')).toContainText('源城区');
  await expect(page).not.toHaveURL(/token=/); // the token leaves the address bar
  await expect(page.getByTestId('login-form')).toHaveCount(0);

  // The wall PC keeps its token across a reload.
  await page.reload();
  await expect(page.getByTestId('wall-screen')).toBeVisible();
  await expect(page.getByTestId('wall-unauthorized')).toHaveCount(0);
});

test('a wall display without a token says it is not authorised, with no login prompt', async ({ page }) => {
  await page.goto('/wall/screen-9');
  await expect(page.getByTestId('wall-unauthorized')).toBeVisible();
  await expect(page.getByTestId('login-form')).toHaveCount(0);
});

test('the API refuses a call without a token (401) and a wall user changing state (forbidden)', async ({ request, hall }) => {
  const anonymous = await request.post(`${hall.url}/api/rpc/stations.list`, { data: {} });
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

  const wall = await loginToken(hall.url, 'wall', 'wall123');
  const denied = await request.post(`${hall.url}/api/rpc/auth.issueWallToken`, {
    data: { screenId: 'screen-2' },
    headers: { Authorization: `Bearer ${wall}` },
  });
  expect(denied.status()).toBe(403);
  expect(await denied.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});

test('a commander opens the decision room', async ({ page }) => {
  await login(page, 'commander', 'commander123');
  await expect(page.getByTestId('shell')).toBeVisible();
  await page.goto('/decision');
  await expect(page.getByTestId('decision-room')).toBeVisible();
  await expect(page.getByTestId('decision-room')).toContainText('决策室');
});

test('the console switches to English and back', async ({ page }) => {
  await login(page, 'operator', 'operator123');
  await expect(page.getByTestId('nav-overview')).toContainText('总览');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('nav-overview')).toContainText('Overview');
  await page.reload();
  await expect(page.getByTestId('nav-overview')).toContainText('Overview'); // remembered
});

test('an admin takes an online backup from the settings room', async ({ page, hall }) => {
  await login(page, 'admin', 'admin123');
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('system-info')).toContainText(hall.dataDir);
  await page.getByTestId('backup-button').click();
  await expect(page.getByTestId('backup-path')).toContainText(/backups[\\/]hall-.*\.sqlite/);
});
