/**
 * CapDocument → CAP 1.2 XML, and CAP's dateTime form. The writer serialises from the same schema
 * description the parser walks (schema.ts), so elements always come out in xs:sequence order
 * whatever order the JSON object's keys are in. It does not judge values: run checkCapDocument
 * first when the document was built in code.
 */
import type { CapDocument } from '../../../../shared/contract/alerts';
import { ALERT_TYPE, CAP12_NS, type ComplexType } from './schema';

/** Characters XML 1.0 cannot carry at all, not even as character references. */
// eslint-disable-next-line no-control-regex -- finding the characters XML forbids is the point
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function escapeText(value: string, path: string): string {
  const bad = NOT_XML.exec(value);
  if (bad) throw new Error(`toCapXml: ${path} contains U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}, which XML cannot carry`);
  // '>' is escaped too so "]]>" never appears; '\r' as a reference so end-of-line handling keeps it.
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** A number in xs:decimal's lexical form, which has no exponent (String(1e-7) is "1e-7"). */
function decimalText(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new Error(`toCapXml: ${path} is ${n}, not a decimal number`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  if (Math.abs(n) >= 1) return BigInt(Math.round(n)).toString();
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

function writeComplex(record: Record<string, unknown>, type: ComplexType, path: string, indent: string, out: string[]): void {
  for (const field of type.fields) {
    const raw = record[field.name];
    if (raw === undefined || raw === null) continue;
    const values = field.max === 1 ? [raw] : (raw as unknown[]);
    values.forEach((value, i) => {
      const here = `${path}/${field.name}[${i + 1}]`;
      if (typeof field.type === 'object') {
        out.push(`${indent}<${field.name}>`);
        writeComplex(value as Record<string, unknown>, field.type, here, `${indent}  `, out);
        out.push(`${indent}</${field.name}>`);
        return;
      }
      let text: string;
      if (field.type === 'text' || field.type === 'token') text = escapeText(String(value), here);
      else if (field.type === 'integer') {
        if (!Number.isSafeInteger(value)) throw new Error(`toCapXml: ${here} is ${String(value)}, not a whole number`);
        text = String(value);
      } else text = decimalText(value as number, here);
      out.push(`${indent}<${field.name}>${text}</${field.name}>`);
    });
  }
}

/**
 * A CAP 1.2 document as XML: declaration, the 1.2 namespace as default, elements in schema order,
 * two-space indentation between elements (never inside text, so values are kept exactly).
 */
export function toCapXml(doc: CapDocument): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<alert xmlns="${CAP12_NS}">`];
  writeComplex(doc, ALERT_TYPE['1.2'], '/alert[1]', '  ', out);
  out.push('</alert>', '');
  return out.join('\n');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A CAP dateTime for an instant: local time at the given offset east of UTC (China, +08:00, by
 * default), whole seconds, explicit offset. UTC is written -00:00, as CAP 1.2 §3.3.2 requires.
 */
export function capDateTime(date: Date, offsetMinutes = 480): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('capDateTime: invalid date');
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) throw new RangeError(`capDateTime: offset ${offsetMinutes} minutes is not a whole number within ±14:00`);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`capDateTime: year ${year} cannot be written in CAP's four-digit form`);
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return (
    `${String(year).padStart(4, '0')}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
