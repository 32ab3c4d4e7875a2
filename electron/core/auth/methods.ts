import type { Registry } from '../api/registry';
import { HallError } from '../api/errors';
import type { AuthService } from './auth-service';

export function registerAuthMethods(registry: Registry, auth: AuthService, onLogout: (sessionId: string) => void): void {
  registry.registerAsync('auth.login', (params, _ctx, tools) => auth.login(params.username, params.password, (fn) => tools.transaction(fn)));

  registry.register('auth.logout', (_params, ctx) => {
    auth.logout(ctx.user!.sessionId);
    onLogout(ctx.user!.sessionId);
    return null;
  });

  registry.register('auth.me', (_params, ctx) => {
    const user = ctx.user!;
    const session = auth.sessionById(user.sessionId);
    if (!session) throw new HallError('unauthorized', 'The session has ended');
    return { user: { username: user.username, displayName: user.displayName, role: user.role }, expiresAt: session.expiresAt };
  });

  registry.register('auth.issueWallToken', (params) => auth.issueWallToken(params.screenId));
}
