import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import LoginView from '../../renderer/src/views/LoginView.vue';
import { useSessionStore } from '../../renderer/src/stores/session';
import { Blank, fail, fakeHall, globalFor, ok, testRouter, type Handlers } from './fake-hall';

const ABOUT_LIVE = { name: '源城区应急指挥中心', version: '0.1.0', demo: false };
const ABOUT_DEMO = {
  name: '源城区应急指挥中心',
  version: '0.1.0',
  demo: true,
  demoAccounts: [
    { username: 'admin', password: 'admin123', role: 'admin' as const },
    { username: 'commander', password: 'commander123', role: 'commander' as const },
    { username: 'operator', password: 'operator123', role: 'operator' as const },
    { username: 'wall', password: 'wall123', role: 'wall' as const },
  ],
};
const OPERATOR = { username: 'operator', displayName: '值班员张三', role: 'operator' as const };

async function mountLogin(handlers: Handlers, start = '/login') {
  const hall = fakeHall(handlers);
  const router = await testRouter(
    [
      { path: '/login', component: LoginView },
      { path: '/', component: Blank },
      { path: '/overview', component: Blank },
    ],
    start,
  );
  const wrapper = mount(LoginView, { global: globalFor(hall, router), attachTo: document.body });
  await flushPromises();
  return { hall, router, wrapper };
}

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountLogin>>['wrapper'], username: string, password: string) {
  await wrapper.get('[data-testid="login-username"]').setValue(username);
  await wrapper.get('[data-testid="login-password"]').setValue(password);
  await wrapper.get('[data-testid="login-form"]').trigger('submit');
  await flushPromises();
}

describe('login form', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('renders the console name from system.about and the form fields', async () => {
    const { wrapper } = await mountLogin({ 'system.about': () => ok(ABOUT_LIVE) });
    expect(wrapper.text()).toContain('源城区应急指挥中心');
    expect(wrapper.get('[data-testid="login-username"]').element.tagName).toBe('INPUT');
    expect(wrapper.get('[data-testid="login-password"]').attributes('type')).toBe('password');
    expect(wrapper.get('[data-testid="login-submit"]').text()).toBe('登录');
    expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(false);
  });

  it('submits username and password to auth.login, keeps the token and goes to the redirect', async () => {
    const { hall, router, wrapper } = await mountLogin(
      {
        'system.about': () => ok(ABOUT_LIVE),
        'auth.login': ({ username, password }) =>
          username === 'operator' && password === 'operator123'
            ? ok({ token: 'tok-123', expiresAt: '2030-01-01T00:00:00.000Z', user: OPERATOR })
            : fail('unauthorized', 'Wrong username or password'),
      },
      '/login?redirect=/overview',
    );
    await fillAndSubmit(wrapper, '  operator ', 'operator123');

    expect(hall.invoke).toHaveBeenCalledWith('auth.login', { username: 'operator', password: 'operator123' });
    expect(hall.setToken).toHaveBeenLastCalledWith('tok-123');
    expect(localStorage.getItem('hall.token')).toBe('tok-123');
    const session = useSessionStore();
    expect(session.status).toBe('signedIn');
    expect(session.user?.displayName).toBe('值班员张三');
    expect(router.currentRoute.value.path).toBe('/overview');
  });

  it('shows a clear message for a wrong password and stays on the login screen', async () => {
    const { hall, router, wrapper } = await mountLogin({
      'system.about': () => ok(ABOUT_LIVE),
      'auth.login': () => fail('unauthorized', 'Wrong username or password'),
    });
    await fillAndSubmit(wrapper, 'operator', 'nope');

    const error = wrapper.get('[data-testid="login-error"]');
    expect(error.text()).toBe('用户名或密码错误，请重新输入。');
    expect(error.attributes('data-code')).toBe('unauthorized');
    expect((wrapper.get('[data-testid="login-password"]').element as HTMLInputElement).value).toBe('');
    expect(hall.setToken).not.toHaveBeenCalled();
    expect(localStorage.getItem('hall.token')).toBeNull();
    expect(router.currentRoute.value.path).toBe('/login');
  });

  it('says when to retry after throttling, in hall time (Asia/Shanghai)', async () => {
    const { wrapper } = await mountLogin({
      'system.about': () => ok(ABOUT_LIVE),
      'auth.login': () => fail('throttled', 'Too many failed logins', { retryAt: '2025-06-01T06:05:00.000Z' }),
    });
    await fillAndSubmit(wrapper, 'operator', 'x');
    expect(wrapper.get('[data-testid="login-error"]').text()).toBe('登录失败次数过多，请于 14:05:00 后再试。');
  });

  it('says the service is unreachable when a call fails on the network', async () => {
    const { wrapper } = await mountLogin({
      'system.about': () => fail('unavailable', 'not reachable'),
      'auth.login': () => fail('unavailable', 'not reachable'),
    });
    await fillAndSubmit(wrapper, 'operator', 'x');
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('无法连接指挥中心服务');
  });

  it('does not call the service with an empty form', async () => {
    const { hall, wrapper } = await mountLogin({ 'system.about': () => ok(ABOUT_LIVE) });
    await wrapper.get('[data-testid="login-form"]').trigger('submit');
    await flushPromises();
    expect(hall.invoke).not.toHaveBeenCalledWith('auth.login', expect.anything());
    expect(wrapper.get('[data-testid="login-error"]').text()).toBe('请输入用户名和密码。');
  });

  it('shows no demo accounts outside demo mode', async () => {
    const { wrapper } = await mountLogin({ 'system.about': () => ok(ABOUT_LIVE) });
    expect(wrapper.find('[data-testid="demo-accounts"]').exists()).toBe(false);
  });

  it('lists the demo accounts in demo mode, and a click fills the form', async () => {
    const { wrapper } = await mountLogin({ 'system.about': () => ok(ABOUT_DEMO) });
    const box = wrapper.get('[data-testid="demo-accounts"]');
    const accounts = box.findAll('button[data-username]');
    expect(accounts.map((b) => b.attributes('data-username'))).toEqual(['admin', 'commander', 'operator', 'wall']);
    expect(box.text()).toContain('指挥长');

    await box.get('button[data-username="commander"]').trigger('click');
    expect((wrapper.get('[data-testid="login-username"]').element as HTMLInputElement).value).toBe('commander');
    expect((wrapper.get('[data-testid="login-password"]').element as HTMLInputElement).value).toBe('commander123');
  });

  it('switches to English and back, and remembers the choice', async () => {
    const { wrapper } = await mountLogin({ 'system.about': () => ok(ABOUT_LIVE) });
    await wrapper.get('[data-testid="lang-switch"]').trigger('click');
    expect(wrapper.get('[data-testid="login-submit"]').text()).toBe('Sign in');
    expect(localStorage.getItem('hall.locale')).toBe('en');
    await wrapper.get('[data-testid="lang-switch"]').trigger('click');
    expect(wrapper.get('[data-testid="login-submit"]').text()).toBe('登录');
    expect(localStorage.getItem('hall.locale')).toBe('zh-CN');
  });
});
