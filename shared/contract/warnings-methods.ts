/**
 * The release domain's methods (contacts, devices, warnings), spread into the one method table in
 * `methods.ts`. Approve/reject are for commanders (and admins); the rule that an approver is not
 * the author is the service's, as it depends on the warning.
 */
import { z } from 'zod';
import { ANYONE_SIGNED_IN, STAFF, type Role } from './roles';
import type { MethodSpec } from './methods';
import {
  Contact,
  ContactInput,
  ContactsFileFormat,
  ContactsImportResult,
  ContactsListParams,
  Delivery,
  DeviceInfo,
  DeviceTestResult,
  FilePayload,
  SimMode,
  Warning,
  WarningAudio,
  WarningDetail,
  WarningInput,
  WarningsListParams,
  WarningTemplate,
} from './warnings';

function method<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

const Nothing = z.null();
const Id = z.object({ id: z.string().min(1).max(100) }).strict();
const Reason = z.string().trim().min(4, 'at least 4 characters').max(500);
const COMMANDERS: readonly Role[] = ['admin', 'commander'];

export const warningMethods = {
  'devices.list': method({ params: z.object({}).strict(), result: z.array(DeviceInfo), roles: ANYONE_SIGNED_IN, audited: false, summary: 'Every configured device with its health.' }),
  'devices.get': method({ params: Id, result: DeviceInfo, roles: ANYONE_SIGNED_IN, audited: false, summary: 'One device with its health.' }),
  'devices.test': method({ params: Id, result: DeviceTestResult, roles: STAFF, audited: true, summary: 'A harmless probe of one device (AT, a status query, reading coils, reading the frequency).' }),
  'devices.simulate': method({
    params: z.object({ id: z.string().min(1).max(100), mode: SimMode }).strict(),
    result: Nothing,
    roles: ['admin', 'commander', 'operator'],
    audited: true,
    summary: 'Demo mode only: tell a simulated device to go offline, fault, refuse or slow down (or back to normal).',
  }),
  'contacts.list': method({ params: ContactsListParams, result: z.array(Contact), roles: STAFF, audited: false, summary: 'The contacts directory (通讯录), filtered.' }),
  'contacts.save': method({ params: ContactInput, result: Contact, roles: STAFF, audited: true, summary: 'Add a contact, or change one (with its id; an id not yet known adds it under that id).' }),
  'contacts.delete': method({ params: Id, result: Nothing, roles: STAFF, audited: true, summary: 'Delete a contact (a no-op when it is already gone).' }),
  'contacts.import': method({
    params: z.object({ format: ContactsFileFormat, dataBase64: z.string().min(1).max(20_000_000) }).strict(),
    result: ContactsImportResult,
    roles: STAFF,
    audited: true,
    summary: 'Import contacts from CSV or XLSX (matched by phone: existing ones are updated); bad rows are listed and skipped.',
  }),
  'contacts.export': method({ params: z.object({ format: ContactsFileFormat }).strict(), result: FilePayload, roles: STAFF, audited: true, summary: 'Export the directory as CSV or XLSX.' }),
  'warnings.templates.list': method({ params: z.object({}).strict(), result: z.array(WarningTemplate), roles: STAFF, audited: false, summary: 'The 三防 templates (暴雨, 台风, 山洪, 水库, 内涝, 森林火险).' }),
  'warnings.fromAlert': method({
    params: z.object({ alertId: z.string().min(1).max(200) }).strict(),
    result: WarningInput,
    roles: STAFF,
    audited: false,
    summary: 'A warning pre-filled from a desk alert (type, level, area, text), to review before creating.',
  }),
  'warnings.create': method({ params: WarningInput, result: Warning, roles: STAFF, audited: true, summary: 'Create a draft warning (its EBM id and speech are made now).' }),
  'warnings.update': method({
    params: z.object({ id: z.string().min(1).max(100), changes: WarningInput.partial() }).strict(),
    result: Warning,
    roles: STAFF,
    audited: true,
    summary: 'Edit a draft; for a released warning, create an Update draft that references it.',
  }),
  'warnings.submit': method({ params: Id, result: Warning, roles: STAFF, audited: true, summary: 'Submit a draft for approval.' }),
  'warnings.approve': method({ params: Id, result: Warning, roles: COMMANDERS, audited: true, summary: 'Approve a submitted warning (not your own); it releases at once or at its scheduled time.' }),
  'warnings.reject': method({ params: z.object({ id: z.string().min(1).max(100), reason: Reason }).strict(), result: Warning, roles: COMMANDERS, audited: true, summary: 'Send a submitted warning back to draft with a reason.' }),
  'warnings.release': method({
    params: z.object({ id: z.string().min(1).max(100), breakGlass: z.object({ reason: z.string().trim().min(10, 'a break-glass reason needs at least 10 characters').max(500) }).strict().optional() }).strict(),
    result: Warning,
    roles: STAFF,
    audited: true,
    summary: 'Release an approved warning, a draft that needs no approval, or — with a written break-glass reason — one that does.',
  }),
  'warnings.cancel': method({
    params: z.object({ id: z.string().min(1).max(100), reason: Reason }).strict(),
    result: Warning,
    roles: STAFF,
    audited: true,
    summary: 'Cancel: an unreleased warning is withdrawn; a released one is stopped on every terminal and a Cancel referencing it is recorded.',
  }),
  'warnings.get': method({ params: Id, result: WarningDetail, roles: STAFF, audited: false, summary: 'One warning with coverage per town, counts per channel, its timeline and what the caller may do.' }),
  'warnings.list': method({ params: WarningsListParams, result: z.array(Warning), roles: STAFF, audited: false, summary: 'Warnings, newest first.' }),
  'warnings.deliveries': method({ params: Id, result: z.array(Delivery), roles: STAFF, audited: false, summary: 'Every delivery of a warning with its state and reason.' }),
  'warnings.audio': method({ params: Id, result: WarningAudio, roles: STAFF, audited: false, summary: "The warning's audio (speech, an upload or a tone) for preview, and the URL terminals fetch." }),
  'warnings.audio.upload': method({
    params: z.object({ id: z.string().min(1).max(100), mimeType: z.enum(['audio/wav', 'audio/x-wav', 'audio/mpeg']), dataBase64: z.string().min(1).max(30_000_000) }).strict(),
    result: Warning,
    roles: STAFF,
    audited: true,
    summary: "Replace a draft's synthesised speech with a recording (WAV or MP3).",
  }),
  'warnings.exportCap': method({ params: Id, result: z.object({ xml: z.string(), filename: z.string() }), roles: STAFF, audited: false, summary: 'The warning as a CAP 1.2 message.' }),
} as const;
