/** Roles of the hall. The per-method matrix lives in `methods.ts`, next to each method's schemas. */
import { z } from 'zod';

export const ROLES = ['admin', 'commander', 'operator', 'wall'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Shorthands used by the method table so the matrix reads at a glance. */
export const ANYONE_SIGNED_IN: readonly Role[] = ROLES;
export const STAFF: readonly Role[] = ['admin', 'commander', 'operator'];
export const ADMIN_ONLY: readonly Role[] = ['admin'];
