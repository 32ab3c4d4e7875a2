import { z } from 'zod';
import { Role } from './roles';

/** Official 12-digit division code (6-digit district + 3-digit town + 3-digit village). */
export const DivisionCode = z.string().regex(/^\d{6}(\d{6})?$/, 'a 6- or 12-digit division code');

export const StationLevel = z.enum(['district', 'town', 'village']);
export type StationLevel = z.infer<typeof StationLevel>;

export const Station = z.object({
  code: DivisionCode,
  name: z.string(),
  level: StationLevel,
  parentCode: DivisionCode.optional(),
  lat: z.number(),
  lon: z.number(),
  online: z.boolean(),
  /** true for generated demo villages (the plan's village names are not public). */
  demo: z.boolean(),
  /** e.g. "in the later code list only; not among the plan's 7 镇街". */
  note: z.string().optional(),
  /** Where the record comes from: built-in reference data, the district link, or the demo. */
  source: z.enum(['builtin', 'link', 'demo']).optional(),
  /** Last time the platform reported this station (ISO), when mirrored from the link. */
  lastContact: z.string().optional(),
  dutyPerson: z.object({ name: z.string(), phone: z.string() }).optional(),
});
export type Station = z.infer<typeof Station>;

export const User = z.object({
  username: z.string(),
  displayName: z.string(),
  role: Role,
});
export type User = z.infer<typeof User>;
