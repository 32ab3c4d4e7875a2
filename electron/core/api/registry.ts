/**
 * The method registry: binds a handler to each method of the contract (shared/contract/methods.ts)
 * and serves every call the same way, whatever the host: unknown method → not_found, no session →
 * unauthorized, role not in the matrix → forbidden, params that fail the schema → invalid_params
 * (with every problem listed), then the handler, and for audited methods an audit row written in
 * the same transaction as the change.
 */
import { z } from 'zod';
import {
  fail,
  isMethodName,
  methods,
  ok,
  roleMayCall,
  type MethodName,
  type Result,
  type ResultOf,
} from '../../../shared/contract';
import type { Db } from '../db/database';
import { summarizeParams, writeAudit } from '../audit/audit';
import type { CallContext } from './context';
import { HallError } from './errors';

type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;

/**
 * A handler gets parsed params and the caller. Sync handlers of audited methods run inside one
 * transaction with their audit row. Async handlers (device I/O, password hashing) are registered
 * with `registerAsync` and do their writes through `tools.transaction`, which also writes the
 * audit row, so the change and its audit stay atomic.
 */
export type Handler<M extends MethodName> = (params: ParsedParams<M>, ctx: CallContext, tools: HandlerTools) => ResultOf<M>;
export type AsyncHandler<M extends MethodName> = (params: ParsedParams<M>, ctx: CallContext, tools: HandlerTools) => Promise<ResultOf<M>>;

interface Binding {
  kind: 'sync' | 'async';
  fn: (params: unknown, ctx: CallContext, tools: HandlerTools) => unknown;
}

export interface HandlerTools {
  /** Run `fn` in a transaction that also writes this call's audit row (once). */
  transaction<T>(fn: () => T): T;
}

export interface RegistryOptions {
  db: Db;
  /** Resolve a session from a bearer token; the hosts call this before `invoke`. */
  now?: () => Date;
}

export function zodDetails(error: z.ZodError): { path: string; problem: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(params)', problem: issue.message }));
}

export class Registry {
  private readonly handlers = new Map<MethodName, Binding>();

  constructor(private readonly options: RegistryOptions) {}

  register<M extends MethodName>(name: M, handler: Handler<M>): void {
    this.bind(name, { kind: 'sync', fn: handler as Binding['fn'] });
  }

  registerAsync<M extends MethodName>(name: M, handler: AsyncHandler<M>): void {
    this.bind(name, { kind: 'async', fn: handler as Binding['fn'] });
  }

  private bind(name: MethodName, binding: Binding): void {
    if (this.handlers.has(name)) throw new Error(`Method ${name} is registered twice`);
    this.handlers.set(name, binding);
  }

  /** Method names of the contract that have no handler: a start-up check and a test. */
  unbound(): MethodName[] {
    return (Object.keys(methods) as MethodName[]).filter((m) => !this.handlers.has(m));
  }

  registered(): MethodName[] {
    return [...this.handlers.keys()];
  }

  async invoke(ctx: CallContext, name: string, rawParams: unknown): Promise<Result<unknown>> {
    if (!isMethodName(name)) return fail('not_found', `Unknown method "${name}"`);
    const spec = methods[name];
    const handler = this.handlers.get(name);
    if (!handler) return fail('not_found', `Method "${name}" is not available in this console`);

    if (spec.roles !== 'public' && ctx.user === null) {
      return fail('unauthorized', `Calling ${name} needs a signed-in session`);
    }
    if (!roleMayCall(name, ctx.user?.role ?? null)) {
      if (spec.audited) this.audit(ctx, name, 'denied', summarizeParams(rawParams));
      return fail('forbidden', `Role "${ctx.user?.role}" may not call ${name}`);
    }

    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) {
      return fail('invalid_params', `Invalid params for ${name}: ${parsed.error.issues[0]?.message ?? 'rejected'}`, zodDetails(parsed.error));
    }
    const summary = summarizeParams(parsed.data);

    let audited = false;
    const tools: HandlerTools = {
      transaction: <T>(fn: () => T): T =>
        this.options.db.transaction(() => {
          const value = fn();
          if (spec.audited && !audited) {
            writeAudit(this.options.db, ctx, name, 'ok', summary, this.now());
            audited = true;
          }
          return value;
        })(),
    };

    try {
      let value: unknown;
      if (handler.kind === 'async') {
        value = await handler.fn(parsed.data, ctx, tools);
        if (spec.audited && !audited) this.audit(ctx, name, 'ok', summary);
      } else if (spec.audited) {
        value = tools.transaction(() => handler.fn(parsed.data, ctx, tools));
      } else {
        value = handler.fn(parsed.data, ctx, tools);
      }
      const checked = spec.result.safeParse(value);
      if (!checked.success) {
        console.error(`[registry] ${name} returned a value that breaks its result schema`, checked.error.issues);
        return fail('internal', `${name} produced an invalid result`);
      }
      return ok(checked.data);
    } catch (error) {
      if (error instanceof HallError) {
        if (spec.audited) this.audit(ctx, name, error.code === 'forbidden' ? 'denied' : 'failed', `${summary} → ${error.code}: ${error.message}`);
        return fail(error.code, error.message, error.details);
      }
      console.error(`[registry] ${name} failed`, error);
      if (spec.audited) this.audit(ctx, name, 'failed', `${summary} → internal: ${(error as Error).message}`);
      return fail('internal', `${name} failed: ${(error as Error).message}`);
    }
  }

  private audit(ctx: CallContext, name: string, outcome: 'ok' | 'failed' | 'denied', summary: string): void {
    try {
      writeAudit(this.options.db, ctx, name, outcome, summary, this.now());
    } catch (error) {
      console.error(`[registry] could not write the audit row for ${name}`, error);
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
