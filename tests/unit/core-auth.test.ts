/**
 * Guards local accounts: scrypt hashing, session tokens (expiry by injected clock, logout,
 * stored only as hashes), throttling of failed logins (unknown names too), wall tokens, the demo
 * accounts, and the first administrator outside demo mode.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HallError } from '../../electron/core/api/errors';
import { AuthService, DEFAULT_AUTH_SETTINGS, type AuthSettings } from '../../electron/core/auth/auth-service';
import { generatePassword, hashPassword, verifyPassword } from '../../electron/core/auth/passwords';
import { openStore, type Db } from '../../electron/core/db/database';
import { parseConfig } from '../../electron/core/config/config';
import { ROLES } from '../../shared/contract';
import { anonymousCtx, DEMO_PASSWORDS, signIn, signInAs, startCore, tempDir, valueOf } from '../fixtures/core-helpers';

const T0 = new Date('2025-06-01T08:00:00.000Z').getTime();
const MINUTE = 60_000;

/** A clock the test moves by hand. */
function clock(start = T0) {
  let t = start;
  return {
    now: () => new Date(t),
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function inTransaction(db: Db) {
  return <T>(fn: () => T): T => db.transaction(fn)();
}

function authOn(settings: Partial<AuthSettings> = {}) {
  const { db } = openStore(':memory:');
  const time = clock();
  const auth = new AuthService(db, { ...DEFAULT_AUTH_SETTINGS, ...settings }, time.now);
  return { db, auth, time, login: (u: string, p: string) => auth.login(u, p, inTransaction(db)) };
}

async function rejection(promise: Promise<unknown>): Promise<HallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HallError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

describe('passwords (scrypt)', () => {
  it('verifies the password it hashed and rejects another', async () => {
    const hash = await hashPassword('值班-2025!');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('值班-2025!', hash)).toBe(true);
    expect(await verifyPassword('值班-2025?', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash: the same password hashes differently twice, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('operator123'), hashPassword('operator123')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('operator123', a)).toBe(true);
    expect(await verifyPassword('operator123', b)).toBe(true);
  });

  it('rejects stored values that are not scrypt hashes instead of throwing', async () => {
    expect(await verifyPassword('x', '!')).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$4$5')).toBe(false);
  });

  it('generates distinct, non-trivial passwords', () => {
    const a = generatePassword();
    expect(a.length).toBeGreaterThanOrEqual(12);
    expect(generatePassword()).not.toBe(a);
  });
});

describe('sessions', () => {
  it('login returns a token that authenticates as the user, expiring after sessionHours', async () => {
    const { auth, login } = authOn({ sessionHours: 8 });
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    const result = await login('li', 'pw-li-123');
    expect(result.user).toEqual({ username: 'li', displayName: '李值班', role: 'operator' });
    expect(result.expiresAt).toBe(new Date(T0 + 8 * 3_600_000).toISOString());
    const session = auth.authenticate(result.token);
    expect(session).toMatchObject({ user: result.user, kind: 'login', screenId: null, expiresAt: result.expiresAt });
    expect(auth.authenticate('not-a-token')).toBeNull();
    expect(auth.authenticate('')).toBeNull();
    expect(auth.authenticate(undefined)).toBeNull();
  });

  it('a wrong password or an unknown user is unauthorized', async () => {
    const { auth, login } = authOn();
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    expect((await rejection(login('li', 'wrong'))).code).toBe('unauthorized');
    expect((await rejection(login('nobody', 'pw-li-123'))).code).toBe('unauthorized');
  });

  it('an expired session no longer authenticates (injected clock)', async () => {
    const { auth, time, login } = authOn({ sessionHours: 1 });
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    const { token, expiresAt } = await login('li', 'pw-li-123');
    time.set(new Date(expiresAt).getTime() - 1);
    expect(auth.authenticate(token)).not.toBeNull();
    time.set(new Date(expiresAt).getTime());
    expect(auth.authenticate(token)).toBeNull();
  });

  it('logout revokes the session and only that session', async () => {
    const { auth, login } = authOn();
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    const first = await login('li', 'pw-li-123');
    const second = await login('li', 'pw-li-123');
    const session = auth.authenticate(first.token)!;
    auth.logout(session.sessionId);
    expect(auth.authenticate(first.token)).toBeNull();
    expect(auth.sessionById(session.sessionId)).toBeNull();
    expect(auth.authenticate(second.token)).not.toBeNull();
  });

  it('a disabled account cannot sign in and its sessions stop authenticating', async () => {
    const { db, auth, login } = authOn();
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    const { token } = await login('li', 'pw-li-123');
    db.prepare(`UPDATE users SET disabled = 1 WHERE username = 'li'`).run();
    expect(auth.authenticate(token)).toBeNull();
    expect((await rejection(login('li', 'pw-li-123'))).code).toBe('unauthorized');
  });

  it('stores only a hash of each token, never the token or the password', async () => {
    const { db, auth, login } = authOn();
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    const { token } = await login('li', 'pw-li-123');
    const wall = auth.issueWallToken('screen-1');
    const dump = JSON.stringify([
      db.prepare('SELECT * FROM sessions').all(),
      db.prepare('SELECT * FROM users').all(),
      db.prepare('SELECT * FROM login_failures').all(),
    ]);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(wall.token);
    expect(dump).not.toContain('pw-li-123');
    const hashes = (db.prepare('SELECT token_hash FROM sessions ORDER BY created_at').all() as { token_hash: string }[]).map((r) => r.token_hash);
    expect(hashes).toContain(createHash('sha256').update(token).digest('hex'));
    expect(hashes).toContain(createHash('sha256').update(wall.token).digest('hex'));
  });

  it('prune forgets sessions expired over a day ago and failures older than the lockout', async () => {
    const { db, auth, time, login } = authOn({ sessionHours: 1, lockoutMinutes: 15 });
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    await login('li', 'pw-li-123');
    await rejection(login('zhang', 'x'));
    time.advance(3_600_000 + 86_400_000 + 1);
    auth.prune();
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM login_failures').get()).toEqual({ n: 0 });
  });
});

describe('throttling of failed logins', () => {
  it('refuses with throttled and retryAt after maxFailedLogins failures, even the right password', async () => {
    const { auth, time, login } = authOn({ maxFailedLogins: 3, lockoutMinutes: 15 });
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    for (let i = 0; i < 3; i++) {
      expect((await rejection(login('li', `guess-${i}`))).code).toBe('unauthorized');
      time.advance(MINUTE);
    }
    const refused = await rejection(login('li', 'pw-li-123'));
    expect(refused.code).toBe('throttled');
    const retryAt = new Date(T0 + 15 * MINUTE).toISOString();
    expect(refused.details).toEqual({ retryAt });
    expect(refused.message).toContain(retryAt);
  });

  it('lets the user in again once the lockout window has passed (injected clock)', async () => {
    const { auth, time, login } = authOn({ maxFailedLogins: 3, lockoutMinutes: 15 });
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    for (let i = 0; i < 3; i++) {
      await rejection(login('li', 'wrong'));
      time.advance(MINUTE);
    }
    const { retryAt } = (await rejection(login('li', 'pw-li-123'))).details as { retryAt: string };
    time.set(new Date(retryAt).getTime() - 1);
    expect((await rejection(login('li', 'pw-li-123'))).code).toBe('throttled');
    time.set(new Date(retryAt).getTime());
    const ok = await login('li', 'pw-li-123');
    expect(auth.authenticate(ok.token)?.user.username).toBe('li');
    // A success clears the failures: the next wrong password starts counting from zero.
    expect((await rejection(login('li', 'wrong'))).code).toBe('unauthorized');
  });

  it('counts failures for unknown usernames too, per username', async () => {
    const { auth, login } = authOn({ maxFailedLogins: 2 });
    await auth.createUser('li', 'pw-li-123', '李值班', 'operator');
    await rejection(login('ghost', 'a'));
    await rejection(login('ghost', 'b'));
    expect((await rejection(login('ghost', 'c'))).code).toBe('throttled');
    // Another account is not locked by someone guessing at 'ghost'.
    await expect(login('li', 'pw-li-123')).resolves.toMatchObject({ user: { username: 'li' } });
  });
});

describe('wall tokens', () => {
  it('authenticate as role wall with the screen id, for wallTokenDays', async () => {
    const { auth } = authOn({ wallTokenDays: 30 });
    await auth.createUser('wall', 'wall123', '大屏显示', 'wall');
    const { token, expiresAt } = auth.issueWallToken('screen-3');
    expect(expiresAt).toBe(new Date(T0 + 30 * 86_400_000).toISOString());
    const session = auth.authenticate(token);
    expect(session).toMatchObject({ kind: 'wall', screenId: 'screen-3', user: { role: 'wall', username: 'wall' } });
  });

  it('outside demo mode use a wall service account that cannot sign in with a password', async () => {
    const { auth, login } = authOn();
    const { token } = auth.issueWallToken('screen-1');
    expect(auth.authenticate(token)).toMatchObject({ kind: 'wall', screenId: 'screen-1', user: { role: 'wall', username: 'wall-display' } });
    expect((await rejection(login('wall-display', '!'))).code).toBe('unauthorized');
    expect(() => auth.issueWallToken('screen-2')).not.toThrow();
  });
});

describe('accounts of a real core', () => {
  it('demo mode seeds the four documented accounts with their roles', async () => {
    const { core } = await startCore({ demo: true });
    for (const role of ROLES) {
      const { ctx } = await signInAs(core, role);
      expect(ctx.user).toMatchObject({ username: DEMO_PASSWORDS[role].username, role });
    }
    const about = valueOf<{ demoAccounts?: unknown[] }>(await core.invoke(anonymousCtx, 'system.about', {}));
    expect(about.demoAccounts).toHaveLength(4);
  });

  it('outside demo mode there are no demo accounts and the login screen is not told any', async () => {
    const { core } = await startCore({ demo: false, adminPassword: 'Str0ng-admin-pw' });
    const login = await core.invoke(anonymousCtx, 'auth.login', { username: 'operator', password: 'operator123' });
    expect(login).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const demoAdmin = await core.invoke(anonymousCtx, 'auth.login', { username: 'admin', password: 'admin123' });
    expect(demoAdmin).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const about = valueOf<{ demo: boolean; demoAccounts?: unknown[] }>(await core.invoke(anonymousCtx, 'system.about', {}));
    expect(about.demo).toBe(false);
    expect(about.demoAccounts).toBeUndefined();
  });

  describe('the first administrator', () => {
    let saved: string | undefined;
    beforeEach(() => {
      saved = process.env['HALL_ADMIN_PASSWORD'];
      delete process.env['HALL_ADMIN_PASSWORD'];
    });
    afterEach(() => {
      if (saved === undefined) delete process.env['HALL_ADMIN_PASSWORD'];
      else process.env['HALL_ADMIN_PASSWORD'] = saved;
    });

    it('is created with HALL_ADMIN_PASSWORD, which is never logged', async () => {
      process.env['HALL_ADMIN_PASSWORD'] = 'From-the-env-42';
      const { core, logs } = await startCore({ demo: false });
      const { ctx } = await signIn(core, 'admin', 'From-the-env-42');
      expect(ctx.user?.role).toBe('admin');
      expect(logs.join('\n')).toContain('HALL_ADMIN_PASSWORD');
      expect(logs.join('\n')).not.toContain('From-the-env-42');
    });

    it('gets a generated password printed once, and is not created again on the next start', async () => {
      const dataDir = tempDir();
      const first = await startCore({ demo: false, dataDir });
      const line = first.logs.find((l) => l.includes('first administrator'));
      const generated = /password "([^"]+)"/.exec(line ?? '')?.[1];
      expect(generated, `log: ${first.logs.join('\n')}`).toBeTruthy();
      await signIn(first.core, 'admin', generated!);
      first.core.close();

      process.env['HALL_ADMIN_PASSWORD'] = 'Another-pw-99';
      const second = await startCore({ demo: false, dataDir });
      expect(second.logs.join('\n')).not.toContain('first administrator');
      expect(second.core.auth.userCount()).toBe(1);
      await signIn(second.core, 'admin', generated!);
      const other = await second.core.invoke(anonymousCtx, 'auth.login', { username: 'admin', password: 'Another-pw-99' });
      expect(other.ok).toBe(false);
    });
  });

  it('expires sessions by the core clock, throttles through the API and audits without secrets', async () => {
    const time = clock();
    const config = parseConfig({ auth: { sessionHours: 2, maxFailedLogins: 2, lockoutMinutes: 10 } });
    const { core } = await startCore({ demo: true, config, now: time.now });
    const { token } = await signInAs(core, 'operator');
    time.advance(2 * 3_600_000);
    expect(core.contextFor(token, 'test').session).toBeNull();
    const { ctx } = core.contextFor(token, 'test');
    expect(await core.invoke(ctx, 'auth.me', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    for (const guess of ['guess-one', 'guess-two']) {
      expect(await core.invoke(anonymousCtx, 'auth.login', { username: 'commander', password: guess })).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    const throttled = await core.invoke(anonymousCtx, 'auth.login', { username: 'commander', password: 'commander123' });
    expect(throttled).toMatchObject({ ok: false, error: { code: 'throttled', details: { retryAt: expect.any(String) as unknown } } });
    time.advance(10 * MINUTE);
    await signInAs(core, 'commander');

    const audit = core.db.prepare(`SELECT outcome, summary FROM audit WHERE method = 'auth.login' ORDER BY id`).all() as { outcome: string; summary: string }[];
    expect(audit.map((r) => r.outcome)).toEqual(['ok', 'failed', 'failed', 'failed', 'ok']);
    const text = JSON.stringify(audit);
    for (const secret of ['guess-one', 'guess-two', 'commander123', 'operator123']) expect(text).not.toContain(secret);
    expect(text).toContain('commander');
  });

  it('logout through the API revokes the token and tells the hosts', async () => {
    const { core } = await startCore({ demo: true });
    const { token, ctx } = await signInAs(core, 'operator');
    const ended: string[] = [];
    core.onSessionEnded((id) => ended.push(id));
    const me = valueOf<{ user: { username: string } }>(await core.invoke(ctx, 'auth.me', {}));
    expect(me.user.username).toBe('operator');
    expect(await core.invoke(ctx, 'auth.logout', {})).toEqual({ ok: true, value: null });
    expect(ended).toEqual([ctx.user!.sessionId]);
    expect(core.contextFor(token, 'test').session).toBeNull();
    expect(await core.invoke(ctx, 'auth.me', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('issues wall tokens to admins that authenticate as wall with their screen id', async () => {
    const { core } = await startCore({ demo: true });
    const { ctx } = await signInAs(core, 'admin');
    const { token } = valueOf<{ token: string }>(await core.invoke(ctx, 'auth.issueWallToken', { screenId: 'wall-2' }));
    const { session, ctx: wallCtx } = core.contextFor(token, 'wall:wall-2');
    expect(session).toMatchObject({ kind: 'wall', screenId: 'wall-2', user: { role: 'wall' } });
    expect(wallCtx.user?.role).toBe('wall');
    expect(valueOf<unknown[]>(await core.invoke(wallCtx, 'stations.list', {})).length).toBeGreaterThan(0);
  });
});
