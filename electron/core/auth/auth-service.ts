/**
 * Local accounts and sessions. Tokens are random 256-bit strings; only their SHA-256 is stored,
 * so a copied database does not hand out sessions. Failed logins are throttled per username.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role, User } from '../../../shared/contract';
import type { Db } from '../db/database';
import { all, one, run } from '../db/database';
import { sql } from '../db/sql';
import { HallError } from '../api/errors';
import { generatePassword, hashPassword, verifyPassword } from './passwords';

export interface AuthSettings {
  sessionHours: number;
  wallTokenDays: number;
  maxFailedLogins: number;
  lockoutMinutes: number;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { sessionHours: 12, wallTokenDays: 365, maxFailedLogins: 5, lockoutMinutes: 15 };

export const DEMO_ACCOUNTS: readonly { username: string; password: string; displayName: string; role: Role }[] = [
  { username: 'admin', password: 'admin123', displayName: '系统管理员', role: 'admin' },
  { username: 'commander', password: 'commander123', displayName: '值班领导', role: 'commander' },
  { username: 'operator', password: 'operator123', displayName: '值班员', role: 'operator' },
  { username: 'wall', password: 'wall123', displayName: '大屏显示', role: 'wall' },
];

interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: number;
}

interface SessionRow {
  id: string;
  username: string;
  kind: 'login' | 'wall';
  screen_id: string | null;
  expires_at: string;
  revoked_at: string | null;
  display_name: string;
  role: Role;
  disabled: number;
}

export interface Session {
  sessionId: string;
  user: User;
  expiresAt: string;
  kind: 'login' | 'wall';
  screenId: string | null;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toUser(row: { username: string; display_name: string; role: Role }): User {
  return { username: row.username, displayName: row.display_name, role: row.role };
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly settings: AuthSettings = DEFAULT_AUTH_SETTINGS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createUser(username: string, password: string, displayName: string, role: Role): Promise<void> {
    const hash = await hashPassword(password);
    run(
      this.db,
      sql`INSERT INTO users (username, display_name, role, password_hash, created_at)
          VALUES (${username}, ${displayName}, ${role}, ${hash}, ${this.now().toISOString()})`,
    );
  }

  userCount(): number {
    return one<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM users`)?.n ?? 0;
  }

  /** Demo mode: the four documented accounts, created once. */
  async seedDemoAccounts(): Promise<void> {
    for (const account of DEMO_ACCOUNTS) {
      if (!one(this.db, sql`SELECT 1 FROM users WHERE username = ${account.username}`)) {
        await this.createUser(account.username, account.password, account.displayName, account.role);
      }
    }
  }

  /**
   * First start outside demo mode: create `admin` with HALL_ADMIN_PASSWORD, or a generated
   * password that is returned so the host prints it once. Returns null when accounts exist.
   */
  async ensureFirstAdmin(passwordFromEnv: string | undefined): Promise<{ generated: string | null } | null> {
    if (this.userCount() > 0) return null;
    const generated = passwordFromEnv ? null : generatePassword();
    await this.createUser('admin', passwordFromEnv ?? generated!, '系统管理员', 'admin');
    return { generated };
  }

  private recentFailures(username: string): number[] {
    const since = this.now().getTime() - this.settings.lockoutMinutes * 60_000;
    return all<{ at: number }>(this.db, sql`SELECT at FROM login_failures WHERE username = ${username} AND at > ${since} ORDER BY at`).map(
      (r) => r.at,
    );
  }

  async login(username: string, password: string, inTransaction: <T>(fn: () => T) => T) {
    const failures = this.recentFailures(username);
    if (failures.length >= this.settings.maxFailedLogins) {
      const retryAt = new Date(failures[failures.length - this.settings.maxFailedLogins]! + this.settings.lockoutMinutes * 60_000);
      throw new HallError('throttled', `Too many failed logins for "${username}"; try again after ${retryAt.toISOString()}`, {
        retryAt: retryAt.toISOString(),
      });
    }
    const row = one<UserRow>(this.db, sql`SELECT * FROM users WHERE username = ${username}`);
    // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
    const valid = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !valid || row.disabled) {
      run(this.db, sql`INSERT INTO login_failures (username, at) VALUES (${username}, ${this.now().getTime()})`);
      throw new HallError('unauthorized', 'Wrong username or password');
    }
    return inTransaction(() => {
      run(this.db, sql`DELETE FROM login_failures WHERE username = ${username}`);
      const { token, expiresAt } = this.createSession(row.username, 'login', null, this.settings.sessionHours * 3_600_000);
      return { token, expiresAt, user: toUser(row) };
    });
  }

  issueWallToken(screenId: string): { token: string; expiresAt: string } {
    const wallUser = one<UserRow>(this.db, sql`SELECT * FROM users WHERE role = 'wall' AND disabled = 0 ORDER BY username LIMIT 1`);
    const username = wallUser?.username ?? this.ensureWallServiceAccount();
    return this.createSession(username, 'wall', screenId, this.settings.wallTokenDays * 86_400_000);
  }

  /** Wall tokens need a wall-role account; outside demo mode one is created, with no usable password. */
  private ensureWallServiceAccount(): string {
    const username = 'wall-display';
    run(
      this.db,
      sql`INSERT OR IGNORE INTO users (username, display_name, role, password_hash, created_at)
          VALUES (${username}, '大屏显示', 'wall', '!', ${this.now().toISOString()})`,
    );
    return username;
  }

  private createSession(username: string, kind: 'login' | 'wall', screenId: string | null, ttlMs: number) {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    run(
      this.db,
      sql`INSERT INTO sessions (id, token_hash, username, kind, screen_id, created_at, expires_at)
          VALUES (${randomUUID()}, ${tokenHash(token)}, ${username}, ${kind}, ${screenId}, ${now.toISOString()}, ${expiresAt})`,
    );
    return { token, expiresAt };
  }

  /** The session a bearer token belongs to, or null if unknown, expired, revoked or disabled. */
  authenticate(token: string | undefined | null): Session | null {
    if (!token) return null;
    const row = one<SessionRow>(
      this.db,
      sql`SELECT s.id, s.username, s.kind, s.screen_id, s.expires_at, s.revoked_at, u.display_name, u.role, u.disabled
          FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ${tokenHash(token)}`,
    );
    if (!row || row.revoked_at || row.disabled) return null;
    if (new Date(row.expires_at).getTime() <= this.now().getTime()) return null;
    return {
      sessionId: row.id,
      user: toUser(row),
      expiresAt: row.expires_at,
      kind: row.kind,
      screenId: row.screen_id,
    };
  }

  sessionById(sessionId: string): { expiresAt: string } | null {
    const row = one<{ expires_at: string; revoked_at: string | null }>(this.db, sql`SELECT expires_at, revoked_at FROM sessions WHERE id = ${sessionId}`);
    return row && !row.revoked_at ? { expiresAt: row.expires_at } : null;
  }

  logout(sessionId: string): void {
    run(this.db, sql`UPDATE sessions SET revoked_at = ${this.now().toISOString()} WHERE id = ${sessionId} AND revoked_at IS NULL`);
  }

  /** Forget expired sessions and old failures; called at start and hourly. */
  prune(): void {
    const now = this.now();
    run(this.db, sql`DELETE FROM sessions WHERE expires_at < ${new Date(now.getTime() - 86_400_000).toISOString()}`);
    run(this.db, sql`DELETE FROM login_failures WHERE at < ${now.getTime() - this.settings.lockoutMinutes * 60_000}`);
  }
}

/** A valid scrypt hash of a random password, used to spend the same time on unknown users. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
