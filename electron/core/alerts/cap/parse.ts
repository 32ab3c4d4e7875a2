/**
 * CAP XML → CapDocument. Alerts arrive from outside the hall, so the parser is defensive:
 *  - a DOCTYPE or ENTITY declaration refuses the document before any XML parser sees it (XXE,
 *    billion laughs, remote DTDs), and nothing here can touch the file system or the network;
 *  - only the five XML entities and character references are decoded, by our own code;
 *  - the whole document is walked against the schema (schema.ts) and every problem is collected,
 *    so an operator (or the sender) sees all that is wrong at once, not one error per attempt.
 * CAP 1.1 documents are accepted and converted to the 1.2 form, with a warning for each change.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { CapDocument, CapProblem } from '../../../../shared/contract/alerts';
import { checkValues } from './check';
import { ALERT_TYPE, CAP10_NS, CAP11_NS, CAP12_NS, DECIMAL, INTEGER, XSI_NS, type CapVersion, type ComplexType, type Field } from './schema';

export type ParseCapResult = { ok: true; doc: CapDocument; version: CapVersion; warnings: string[] } | { ok: false; problems: CapProblem[] };

/** Real alerts with embedded audio (IPAWS derefUri) run to a few MB; anything far larger is not CAP. */
export const MAX_CAP_CHARS = 20_000_000;
/** The XML namespace is bound to this URI without a declaration (XML Namespaces §3). */
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

// preserveOrder keeps the children in document order (the schema is a sequence); entity
// processing is off because entities are decoded below, where an unknown one is an error.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

/** One node of fast-xml-parser's preserveOrder output, in our terms. */
type RawNode = { kind: 'element'; qname: string; attrs: Record<string, string>; children: RawNode[] } | { kind: 'text'; raw: string; cdata: boolean };

interface Ctx {
  problems: CapProblem[];
  warnings: string[];
  version: CapVersion;
}

/** Parses and validates a CAP 1.2 (or 1.1) alert. Never throws for bad input: it reports problems. */
export function parseCap(xml: string): ParseCapResult {
  const fail = (problem: string, path = '/'): ParseCapResult => ({ ok: false, problems: [{ path, problem }] });
  if (typeof xml !== 'string') return fail('the CAP document is not text');
  if (xml.length > MAX_CAP_CHARS) return fail(`the document is ${xml.length} characters long; a CAP alert is at most ${MAX_CAP_CHARS}`);
  // Refused on the raw text, before anything parses it: a DTD can pull files or URLs in, or expand
  // entities exponentially, and CAP never needs one.
  if (/<!\s*(DOCTYPE|ENTITY)/i.test(xml)) return fail('the document declares a DTD or entities (<!DOCTYPE / <!ENTITY); DTDs and entities are refused');

  // XML end-of-line handling (XML 1.0 §2.11), done here because the parser does not.
  const text = xml.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex -- finding the characters XML forbids is the point
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(text);
  if (bad) {
    const { line, col } = position(text, bad.index);
    return fail(`XML syntax error at line ${line}, column ${col}: character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
  }
  let roots: RawNode[];
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) return fail(`XML syntax error at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
    roots = toRaw(parser.parse(text) as unknown[]);
  } catch (e) {
    // The parser's own limits (nesting depth…) end here: bad input is reported, never thrown.
    return fail(`the XML could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const elements = roots.filter((n) => n.kind === 'element');
  if (roots.some((n) => n.kind === 'text' && n.raw.trim() !== '')) return fail('XML syntax error: text outside the root element');
  if (elements.length !== 1) return fail(elements.length === 0 ? 'the document has no root element' : `XML syntax error: the document has ${elements.length} root elements; XML allows one`);
  const root = elements[0]!;

  const initial = new Map([['xml', XML_NS]]);
  const scope = declare(initial, root.attrs, '/', []);
  const { prefix, local } = splitName(root.qname);
  const ns = scope.get(prefix) ?? '';
  if (local !== 'alert' || (ns !== CAP12_NS && ns !== CAP11_NS)) {
    if (ns === CAP10_NS) return fail('this is a CAP 1.0 document; only CAP 1.1 and 1.2 are accepted');
    return fail(`the root element is <${root.qname}> in namespace "${ns}"; a CAP alert is <alert> in namespace ${CAP12_NS} (or ${CAP11_NS})`);
  }
  const ctx: Ctx = { problems: [], warnings: [], version: ns === CAP11_NS ? '1.1' : '1.2' };
  const doc = readComplex(root, ALERT_TYPE[ctx.version], '/alert[1]', initial, ctx) as unknown as CapDocument;
  normalise(doc);
  if (ctx.version === '1.1') convert11(doc, ctx.warnings);
  const problems = [...ctx.problems, ...checkValues(doc, false)];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, doc, version: ctx.version, warnings: ctx.warnings };
}

function position(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

function toRaw(items: unknown[]): RawNode[] {
  const out: RawNode[] = [];
  for (const item of items as Record<string, unknown>[]) {
    const key = Object.keys(item).find((k) => k !== ':@');
    if (key === undefined) continue;
    if (key === '#text') out.push({ kind: 'text', raw: String(item[key]), cdata: false });
    else if (key === '#cdata') {
      // A CDATA section arrives as a nested list holding one text node; its content is literal.
      const inner = (item[key] as Record<string, unknown>[]).map((t) => (typeof t['#text'] === 'string' ? t['#text'] : '')).join('');
      out.push({ kind: 'text', raw: inner, cdata: true });
    } else {
      const attrs = (item[':@'] ?? {}) as Record<string, string>;
      out.push({ kind: 'element', qname: key, attrs, children: toRaw(item[key] as unknown[]) });
    }
  }
  return out;
}

function splitName(qname: string): { prefix: string; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and character references. Any other "&" is an error:
 * with DTDs refused there is nowhere another entity could have been declared.
 */
function decode(raw: string, path: string, problems: CapProblem[]): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&<\s]{0,32});|&/g, (whole, name: string | undefined) => {
    if (name === undefined) {
      problems.push({ path, problem: "a bare '&' in text; write it as &amp;" });
      return whole;
    }
    if (name in PREDEFINED) return PREDEFINED[name]!;
    const ref = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (ref) {
      const code = ref[1] !== undefined ? parseInt(ref[1], 16) : parseInt(ref[2]!, 10);
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (allowed) return String.fromCodePoint(code);
      problems.push({ path, problem: `character reference ${whole} is not a character XML allows` });
      return whole;
    }
    problems.push({ path, problem: `undefined entity ${whole}; only &lt; &gt; &amp; &quot; &apos; and character references are allowed (DTDs and entities are refused)` });
    return whole;
  });
}

/** Applies an element's xmlns declarations to the scope inherited from its parent. */
function declare(parent: Map<string, string>, attrs: Record<string, string>, path: string, problems: CapProblem[]): Map<string, string> {
  let scope = parent;
  for (const [name, raw] of Object.entries(attrs)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    if (scope === parent) scope = new Map(parent);
    scope.set(name === 'xmlns' ? '' : name.slice(6), decode(raw, path, problems));
  }
  return scope;
}

/** Attributes other than namespace declarations and xsi:*: the CAP schema declares none. */
function checkAttributes(el: Extract<RawNode, { kind: 'element' }>, scope: Map<string, string>, path: string, problems: CapProblem[]): void {
  for (const name of Object.keys(el.attrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const { prefix, local } = splitName(name);
    if (prefix !== '' && scope.get(prefix) === XSI_NS) continue;
    if (prefix !== '' && !scope.has(prefix)) problems.push({ path: `${path}/@${name}`, problem: `attribute ${name} uses the undeclared namespace prefix "${prefix}"` });
    else problems.push({ path: `${path}/@${name}`, problem: `attribute ${local} is not allowed on <${splitName(el.qname).local}>; CAP elements have no attributes` });
  }
}

/**
 * Walks an element against a complex type: children in sequence order, cardinality, unknown and
 * foreign elements, stray text. Returns the JSON record (field name → value or array of values),
 * built even when there are problems so the value rules can still report theirs.
 */
function readComplex(el: Extract<RawNode, { kind: 'element' }>, type: ComplexType, path: string, parentScope: Map<string, string>, ctx: Ctx): Record<string, unknown> {
  const scope = declare(parentScope, el.attrs, path, ctx.problems);
  checkAttributes(el, scope, path, ctx.problems);
  const capNs = ctx.version === '1.2' ? CAP12_NS : CAP11_NS;
  const record: Record<string, unknown> = {};
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const siblings = new Map<string, number>();
  /** Index in type.fields of the furthest field seen; -1 before any, fields.length once in the xs:any. */
  let at = -1;

  for (const child of el.children) {
    if (child.kind === 'text') {
      const value = child.cdata ? child.raw : decode(child.raw, path, ctx.problems);
      if (value.trim() !== '') ctx.problems.push({ path, problem: `unexpected text "${clip(value.trim())}" inside <${type.name}>; it holds only elements` });
      continue;
    }
    const { prefix, local } = splitName(child.qname);
    // Problems in the child's own declarations are reported when the child itself is read.
    const childScope = declare(scope, child.attrs, path, []);
    const ns = childScope.get(prefix) ?? '';
    // Indexes count same-named siblings of the same namespace, so /alert[1]/info[2] is doc.info[1].
    const key = `${ns} ${local}`;
    const index = (siblings.get(key) ?? 0) + 1;
    siblings.set(key, index);
    const childPath = `${path}/${local}[${index}]`;
    if (prefix !== '' && !childScope.has(prefix)) {
      ctx.problems.push({ path: childPath, problem: `element <${child.qname}> uses the undeclared namespace prefix "${prefix}"` });
      continue;
    }
    if (ns !== capNs) {
      if (type.foreign?.includes(ns)) {
        // The xs:any after the sequence (an enveloped signature): allowed, but not verified or kept.
        at = type.fields.length;
        ctx.warnings.push(`${childPath}: <${local}> (${ns}) was skipped; signatures are not verified and not kept`);
      } else {
        ctx.problems.push({ path: childPath, problem: `element <${child.qname}> in namespace "${ns}" is not part of CAP <${type.name}>` });
      }
      continue;
    }
    const fieldIndex = type.fields.findIndex((f) => f.name === local);
    const field = type.fields[fieldIndex];
    if (!field) {
      ctx.problems.push({ path: childPath, problem: `unknown element <${local}> in <${type.name}>` });
      continue;
    }
    seen.add(local);
    if (fieldIndex < at) {
      const after = at < type.fields.length ? `<${type.fields[at]!.name}>` : 'the signature';
      ctx.problems.push({ path: childPath, problem: `<${local}> is out of order: CAP puts it before ${after} in <${type.name}>` });
    } else {
      at = fieldIndex;
    }
    const count = (counts.get(local) ?? 0) + 1;
    counts.set(local, count);
    if (count > field.max) ctx.problems.push({ path: childPath, problem: `<${local}> appears more than once in <${type.name}>; CAP allows one` });
    const value = readField(child, field, childPath, scope, ctx);
    if (field.max === 1) {
      if (count === 1 && value !== undefined) record[local] = value;
    } else {
      ((record[local] ??= []) as unknown[]).push(value);
    }
  }
  for (const field of type.fields) {
    if (field.min === 1 && !seen.has(field.name)) ctx.problems.push({ path, problem: `missing required element <${field.name}> in <${type.name}>` });
  }
  return record;
}

function readField(el: Extract<RawNode, { kind: 'element' }>, field: Field, path: string, scope: Map<string, string>, ctx: Ctx): unknown {
  if (typeof field.type === 'object') return readComplex(el, field.type, path, scope, ctx);
  const ownScope = declare(scope, el.attrs, path, ctx.problems);
  checkAttributes(el, ownScope, path, ctx.problems);
  let value = '';
  for (const child of el.children) {
    if (child.kind === 'text') value += child.cdata ? child.raw : decode(child.raw, path, ctx.problems);
    else ctx.problems.push({ path, problem: `<${field.name}> holds text only, not the element <${child.qname}>` });
  }
  if (field.type === 'text') return value;
  // These XSD types collapse whitespace before checking, so surrounding blanks are allowed.
  const trimmed = value.replace(/\s+/g, ' ').trim();
  if (field.type === 'token') return trimmed;
  const lexical = field.type === 'decimal' ? DECIMAL : INTEGER;
  if (!lexical.test(trimmed)) {
    ctx.problems.push({ path, problem: `${field.name} "${clip(value)}" is not ${field.type === 'decimal' ? 'a decimal number' : 'a whole number'}` });
    return undefined;
  }
  const n = Number(trimmed);
  if (field.type === 'integer' && !Number.isSafeInteger(n)) {
    ctx.problems.push({ path, problem: `${field.name} ${trimmed} is too large` });
    return undefined;
  }
  return n;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** The contract's required arrays exist even when the XML had no such element. */
function normalise(doc: CapDocument): void {
  doc.info ??= [];
  for (const info of doc.info) {
    info.category ??= [];
    info.area ??= [];
  }
}

/**
 * CAP 1.1 → 1.2: the differences a 1.1 sender can actually produce. 1.1 had the certainty
 * "Very Likely" (1.2 folds it into Likely), an optional resource mimeType, and xs:dateTime without
 * CAP's pattern, so 'Z' and fractional seconds could appear.
 */
function convert11(doc: CapDocument, warnings: string[]): void {
  warnings.push('CAP 1.1 document converted to CAP 1.2');
  const fixTime = (value: string | undefined, where: string): string | undefined => {
    if (value === undefined) return value;
    const fixed = value.trim().replace(/(T\d{2}:\d{2}:\d{2})\.\d+/, '$1').replace(/Z$/, '-00:00');
    if (fixed !== value) warnings.push(`${where}: "${value}" written as "${fixed}" (CAP 1.2 dateTime form)`);
    return fixed;
  };
  doc.sent = fixTime(doc.sent, '/alert[1]/sent[1]')!;
  doc.info.forEach((info, i) => {
    const path = `/alert[1]/info[${i + 1}]`;
    if (info.certainty === 'Very Likely') {
      info.certainty = 'Likely';
      warnings.push(`${path}/certainty[1]: CAP 1.1 "Very Likely" converted to "Likely"`);
    }
    for (const name of ['effective', 'onset', 'expires'] as const) {
      if (info[name] !== undefined) info[name] = fixTime(info[name], `${path}/${name}[1]`);
    }
    (info.resource ?? []).forEach((r, k) => {
      if (r.mimeType === undefined) {
        r.mimeType = 'application/octet-stream';
        warnings.push(`${path}/resource[${k + 1}]: no mimeType (optional in CAP 1.1), application/octet-stream assumed`);
      }
    });
  });
}
