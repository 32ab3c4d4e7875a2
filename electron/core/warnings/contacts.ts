/**
 * The contacts directory (通讯录): people the hall reaches by SMS, with their town or village, their
 * roles (村居干部, 值班人员, 三防责任人, 救援队员) and groups. Phone numbers are unique and are the
 * key an import matches on. Import and export as CSV (csv-parse / csv-stringify, UTF-8 with a BOM
 * so Excel opens Chinese correctly) and XLSX (read-excel-file / write-excel-file).
 */
import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { readSheet } from 'read-excel-file/node';
import writeXlsxFile from 'write-excel-file/node';
import { z } from 'zod';
import { Contact, ContactInput, CONTACT_ROLES, type ContactRole, type ContactsImportResult, type FilePayload } from '../../../shared/contract/warnings';
import type { Db } from '../db/database';
import { sql, join } from '../db/sql';
import { allQ, oneQ, runQ } from '../mirror/statements';
import { HallError } from '../api/errors';

export const ROLE_ZH: Record<ContactRole, string> = { cadre: '村居干部', duty: '值班人员', 'flood-duty': '三防责任人', rescue: '救援队员' };
const ROLE_BY_ZH = new Map<string, ContactRole>([...Object.entries(ROLE_ZH).map(([k, v]) => [v, k as ContactRole] as const), ...CONTACT_ROLES.map((r) => [r, r] as const)]);

/** Column titles of the files (Chinese, as the bureau's spreadsheets have them); English titles are accepted on import. */
const COLUMNS = [
  { key: 'name', zh: '姓名', en: 'name' },
  { key: 'phone', zh: '手机', en: 'phone' },
  { key: 'stationCode', zh: '区划代码', en: 'stationCode' },
  { key: 'station', zh: '所属镇街/村居', en: 'station' },
  { key: 'roles', zh: '角色', en: 'roles' },
  { key: 'groups', zh: '分组', en: 'groups' },
  { key: 'title', zh: '职务', en: 'title' },
  { key: 'note', zh: '备注', en: 'note' },
] as const;

interface Row {
  id: string;
  name: string;
  phone: string;
  station_code: string;
  roles: string;
  groups: string;
  title: string;
  note: string;
  demo: number;
  updated_at: string;
}

const toContact = (r: Row): Contact => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  stationCode: r.station_code,
  roles: JSON.parse(r.roles) as ContactRole[],
  groups: JSON.parse(r.groups) as string[],
  title: r.title,
  note: r.note,
  demo: r.demo === 1,
  updatedAt: r.updated_at,
});

/** +86 and spaces are dropped so one person has one key. */
export function normalisePhone(phone: string): string {
  return phone.replace(/[\s]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
}

export class ContactsRepo {
  constructor(
    private readonly db: Db,
    private readonly stationName: (code: string) => string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(filter: { q?: string | undefined; stationCode?: string | undefined; role?: ContactRole | undefined; group?: string | undefined } = {}): Contact[] {
    const where = [sql`1 = 1`];
    if (filter.q) where.push(sql`(name LIKE ${`%${filter.q}%`} OR phone LIKE ${`%${filter.q}%`} OR title LIKE ${`%${filter.q}%`})`);
    // A town's filter includes its villages (their codes share the town's first 9 digits).
    if (filter.stationCode) {
      const code = filter.stationCode;
      where.push(code.length === 6 ? sql`substr(station_code, 1, 6) = ${code}` : code.endsWith('000') ? sql`substr(station_code, 1, 9) = ${code.slice(0, 9)}` : sql`station_code = ${code}`);
    }
    if (filter.role) where.push(sql`EXISTS (SELECT 1 FROM json_each(roles) WHERE value = ${filter.role})`);
    if (filter.group) where.push(sql`EXISTS (SELECT 1 FROM json_each(groups) WHERE value = ${filter.group})`);
    return allQ<Row>(this.db, sql`SELECT * FROM contacts WHERE ${join(where, ' AND ')} ORDER BY station_code, name`).map(toContact);
  }

  get(id: string): Contact | undefined {
    const r = oneQ<Row>(this.db, sql`SELECT * FROM contacts WHERE id = ${id}`);
    return r && toContact(r);
  }

  byPhone(phone: string): Contact | undefined {
    const r = oneQ<Row>(this.db, sql`SELECT * FROM contacts WHERE phone = ${normalisePhone(phone)}`);
    return r && toContact(r);
  }

  count(): number {
    return oneQ<{ n: number }>(this.db, sql`SELECT count(*) AS n FROM contacts`)!.n;
  }

  /** Add or change one contact; the phone must be unique and the station known. */
  save(input: z.input<typeof ContactInput>, demo = false): Contact {
    const c = ContactInput.parse(input);
    const phone = normalisePhone(c.phone);
    if (!this.stationName(c.stationCode)) throw new HallError('invalid_params', `contacts.save: station ${c.stationCode} is not a known town or village`);
    const other = this.byPhone(phone);
    if (other && other.id !== c.id) throw new HallError('conflict', `contacts.save: ${phone} already belongs to ${other.name}`);
    const id = c.id ?? randomUUID();
    runQ(
      this.db,
      sql`INSERT INTO contacts (id, name, phone, station_code, roles, groups, title, note, demo, updated_at)
          VALUES (${id}, ${c.name}, ${phone}, ${c.stationCode}, ${JSON.stringify([...new Set(c.roles)])}, ${JSON.stringify([...new Set(c.groups)])}, ${c.title}, ${c.note}, ${demo ? 1 : 0}, ${this.now().toISOString()})
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, station_code = excluded.station_code, roles = excluded.roles,
            groups = excluded.groups, title = excluded.title, note = excluded.note, updated_at = excluded.updated_at`,
    );
    return this.get(id)!;
  }

  /** Deleting a contact that is not there is a no-op (two operators may delete the same one). */
  delete(id: string): void {
    runQ(this.db, sql`DELETE FROM contacts WHERE id = ${id}`);
  }

  /** Rows as strings → contacts; every bad row is reported with its row number and skipped. */
  importRows(rows: string[][]): ContactsImportResult {
    const result: ContactsImportResult = { added: 0, updated: 0, problems: [] };
    if (rows.length === 0) return { ...result, problems: [{ row: 1, message: 'the file is empty' }] };
    const header = rows[0]!.map((h) => h.trim());
    const index = new Map<string, number>();
    for (const col of COLUMNS) {
      const i = header.findIndex((h) => h === col.zh || h.toLowerCase() === col.en.toLowerCase());
      if (i >= 0) index.set(col.key, i);
    }
    const missing = ['name', 'phone', 'roles'].filter((k) => !index.has(k));
    if (!index.has('stationCode') && !index.has('station')) missing.push('stationCode');
    if (missing.length > 0) {
      const names = missing.map((k) => COLUMNS.find((c) => c.key === k)!.zh);
      return { ...result, problems: [{ row: 1, message: `the header row lacks the column(s) ${names.join(', ')} (found: ${header.join(', ')})` }] };
    }
    const cell = (row: string[], key: string) => {
      const i = index.get(key);
      return i === undefined ? '' : String(row[i] ?? '').trim();
    };
    const split = (v: string) => v.split(/[,，、;；|\s]+/).map((s) => s.trim()).filter(Boolean);
    this.db.transaction(() => {
      rows.slice(1).forEach((row, n) => {
        const rowNo = n + 2;
        if (row.every((v) => String(v ?? '').trim() === '')) return;
        const unknownRoles = split(cell(row, 'roles')).filter((r) => !ROLE_BY_ZH.has(r));
        if (unknownRoles.length > 0) {
          result.problems.push({ row: rowNo, message: `unknown role ${unknownRoles.join(', ')} (one of ${Object.values(ROLE_ZH).join('、')})` });
          return;
        }
        let stationCode = cell(row, 'stationCode');
        if (!stationCode && cell(row, 'station')) stationCode = this.codeForName(cell(row, 'station')) ?? '';
        try {
          const existing = this.byPhone(cell(row, 'phone'));
          this.save({
            ...(existing ? { id: existing.id } : {}),
            name: cell(row, 'name'),
            phone: cell(row, 'phone'),
            stationCode,
            roles: split(cell(row, 'roles')).map((r) => ROLE_BY_ZH.get(r)!),
            groups: split(cell(row, 'groups')),
            title: cell(row, 'title'),
            note: cell(row, 'note'),
          });
          if (existing) result.updated++;
          else result.added++;
        } catch (error) {
          result.problems.push({ row: rowNo, message: problemText(error, stationCode) });
        }
      });
    })();
    return result;
  }

  private codeForName(name: string): string | undefined {
    const row = oneQ<{ code: string }>(this.db, sql`SELECT code FROM stations WHERE name = ${name} LIMIT 1`);
    return row?.code;
  }

  async importFile(format: 'csv' | 'xlsx', data: Buffer): Promise<ContactsImportResult> {
    let rows: string[][];
    try {
      if (format === 'csv') {
        const parsed: string[][] = parseCsv(data, { bom: true, relax_column_count: true, skip_empty_lines: true });
        rows = parsed;
      } else {
        const sheet = await readSheet(data);
        rows = sheet.map((r) => r.map((v) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v))));
      }
    } catch (error) {
      throw new HallError('invalid_params', `contacts.import: the ${format.toUpperCase()} file cannot be read: ${(error as Error).message}`);
    }
    return this.importRows(rows);
  }

  async exportFile(format: 'csv' | 'xlsx'): Promise<FilePayload> {
    const rows: string[][] = [COLUMNS.map((c) => c.zh)];
    for (const c of this.list()) {
      rows.push([c.name, c.phone, c.stationCode, this.stationName(c.stationCode) ?? '', c.roles.map((r) => ROLE_ZH[r]).join('、'), c.groups.join('、'), c.title, c.note]);
    }
    const stamp = this.now().toISOString().slice(0, 10);
    if (format === 'csv') {
      const text = stringifyCsv(rows);
      return { filename: `通讯录-${stamp}.csv`, mimeType: 'text/csv', dataBase64: Buffer.from(`\ufeff${text}`, 'utf8').toString('base64') };
    }
    const buffer = await writeXlsxFile(rows.map((r) => r.map((value) => ({ value, type: String }))), { sheet: '通讯录' }).toBuffer();
    return { filename: `通讯录-${stamp}.xlsx`, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', dataBase64: buffer.toString('base64') };
  }
}

function problemText(error: unknown, stationCode: string): string {
  if (error instanceof z.ZodError) {
    return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}${i.path[0] === 'stationCode' ? ` (got "${stationCode}")` : ''}`).join('; ');
  }
  return error instanceof Error ? error.message.replace(/^contacts\.save: /, '') : String(error);
}
