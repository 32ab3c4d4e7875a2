/**
 * The value rules of CAP 1.2 on the JSON form: what the XSD checks on simple values (enumerations,
 * the dateTime pattern, xs:language) and what it misses but the spec's text requires (identifier
 * characters, references, scope companions, polygon and circle syntax, altitude/ceiling).
 * Paths are XPath-like with 1-based indexes among same-named siblings, so a problem found here
 * points at the same element a problem found while walking the XML would.
 */
import {
  CAP_CATEGORIES,
  CAP_CERTAINTY,
  CAP_MSG_TYPES,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITY,
  CAP_STATUS,
  CAP_URGENCY,
  type CapArea,
  type CapDocument,
  type CapInfo,
  type CapProblem,
} from '../../../../shared/contract/alerts';

/**
 * The XSD's pattern for every CAP dateTime: an explicit offset, no fractional seconds, no 'Z'
 * (CAP writes UTC as -00:00). Its character class is "[-,+]", which also lets a comma through;
 * xs:dateTime underneath rejects that, so the offset sign here is just + or -.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
/** xs:language (RFC 3066 shape). */
const LANGUAGE = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;
/** CAP 1.2 §3.2.1: identifier and sender MUST NOT include spaces, commas or restricted characters (< and &). */
const FORBIDDEN_IN_ID = /[\s,<&]/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Why a CAP dateTime is invalid, or null when it is fine. */
export function dateTimeProblem(value: string): string | null {
  const m = DATE_TIME.exec(value);
  if (!m) return `"${value}" is not a CAP dateTime (YYYY-MM-DDThh:mm:ss±hh:mm, with an explicit offset and no fractional seconds)`;
  const [year, month, day, hour, minute, second, , offH, offM] = m.slice(1).map(Number);
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1];
  if (year === 0) return `"${value}": year 0000 does not exist in xs:dateTime`;
  if (days === undefined) return `"${value}": month ${m[2]} does not exist`;
  if (day! < 1 || day! > days) return `"${value}": day ${m[3]} does not exist in that month`;
  // xs:dateTime allows 24:00:00 as the end of a day; nothing else past 23:59:59.
  if (hour! > 24 || (hour === 24 && (minute !== 0 || second !== 0)) || minute! > 59 || second! > 59) return `"${value}": time ${m[4]}:${m[5]}:${m[6]} does not exist`;
  if (offM! > 59 || offH! > 14 || (offH === 14 && offM !== 0)) return `"${value}": offset ${m[7]}${m[8]}:${m[9]} is out of range (at most ±14:00)`;
  return null;
}

/** Why an identifier or sender is invalid, or null. */
function idProblem(what: string, value: string): string | null {
  if (value === '') return `${what} is empty`;
  const bad = FORBIDDEN_IN_ID.exec(value);
  if (bad) return `${what} "${value}" contains ${describeChar(bad[0])}; CAP forbids spaces, commas, '<' and '&' in it`;
  return null;
}

function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  if (/\s/.test(c)) return 'whitespace';
  return `'${c}'`;
}

function enumProblem(what: string, value: string, allowed: readonly string[]): string | null {
  if (allowed.includes(value)) return null;
  const hint = value.trim() !== value && allowed.includes(value.trim()) ? ' (whitespace around the value is not allowed)' : '';
  return `${what} "${value}" is not one of ${allowed.join(', ')}${hint}`;
}

interface Point {
  lat: number;
  lon: number;
}

/** Parses a "lat,lon" pair, pushing what is wrong with it (WGS-84 ranges) into `errors`. */
function parsePoint(text: string, label: string, errors: string[]): Point | null {
  const parts = text.split(',');
  if (parts.length !== 2 || !NUMBER.test(parts[0]!) || !NUMBER.test(parts[1]!)) {
    errors.push(`${label} "${text}" is not a "lat,lon" pair of decimal numbers`);
    return null;
  }
  const lat = Number(parts[0]);
  const lon = Number(parts[1]);
  if (lat < -90 || lat > 90) errors.push(`${label} "${text}": latitude ${parts[0]} is outside -90..90`);
  if (lon < -180 || lon > 180) errors.push(`${label} "${text}": longitude ${parts[1]} is outside -180..180`);
  return { lat, lon };
}

/** Everything wrong with a CAP polygon (empty when it is valid). */
export function polygonProblems(text: string): string[] {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return ['polygon is empty; CAP needs at least 4 "lat,lon" pairs'];
  const found: string[] = [];
  const points = tokens.map((t, i) => parsePoint(t, `point ${i + 1}`, found));
  // A polygon written the wrong way ("lon lat", spaces for commas) fails on every point: say it once.
  const malformed = found.filter((e) => e.includes('is not a "lat,lon" pair'));
  const errors = found.filter((e) => !malformed.slice(1).includes(e));
  if (malformed.length > 1) errors[errors.indexOf(malformed[0]!)] += ` (and so are ${malformed.length - 1} more points)`;
  if (tokens.length < 4) errors.push(`polygon has ${tokens.length} point${tokens.length === 1 ? '' : 's'}; CAP needs at least 4 "lat,lon" pairs (a closed ring)`);
  const first = points[0];
  const last = points.at(-1);
  if (tokens.length > 1 && first && last && (first.lat !== last.lat || first.lon !== last.lon)) {
    errors.push(`polygon is not closed: the first point "${tokens[0]}" must be repeated as the last, not "${tokens.at(-1)}"`);
  }
  return errors;
}

/** Everything wrong with a CAP circle "lat,lon radius" (radius in km). */
export function circleProblems(text: string): string[] {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length !== 2) return [`circle "${text}" is not "lat,lon radius" (a centre point, a space, a radius in km)`];
  const errors: string[] = [];
  parsePoint(tokens[0]!, 'circle centre', errors);
  if (!NUMBER.test(tokens[1]!)) errors.push(`circle radius "${tokens[1]}" is not a decimal number of kilometres`);
  else if (Number(tokens[1]) < 0) errors.push(`circle radius ${tokens[1]} is negative`);
  return errors;
}

/** Everything wrong with <references>: space-separated "sender,identifier,sent" triples. */
export function referencesProblems(text: string): string[] {
  const triples = text.trim().split(/\s+/).filter(Boolean);
  if (triples.length === 0) return ['references is empty; it lists "sender,identifier,sent" triples separated by spaces'];
  const errors: string[] = [];
  triples.forEach((triple, i) => {
    const parts = triple.split(',');
    const label = `reference ${i + 1} "${triple}"`;
    if (parts.length !== 3) {
      errors.push(`${label} is not a "sender,identifier,sent" triple`);
      return;
    }
    const [sender, identifier, sent] = parts as [string, string, string];
    if (sender === '') errors.push(`${label} has an empty sender`);
    else if (/[<&]/.test(sender)) errors.push(`${label}: the sender contains '<' or '&'`);
    if (identifier === '') errors.push(`${label} has an empty identifier`);
    else if (/[<&]/.test(identifier)) errors.push(`${label}: the identifier contains '<' or '&'`);
    const sentProblem = dateTimeProblem(sent);
    if (sentProblem) errors.push(`${label}: sent ${sentProblem}`);
  });
  return errors;
}

/**
 * The value rules over a whole document. `reportMissing` is off when the parser already reported
 * missing elements while walking the XML (so each missing element is reported once).
 */
export function checkValues(doc: CapDocument, reportMissing: boolean): CapProblem[] {
  const problems: CapProblem[] = [];
  const add = (path: string, problem: string | null): void => {
    if (problem) problems.push({ path, problem });
  };
  const root = '/alert[1]';
  // A document from code or a partial parse may lack required fields; tolerate them here.
  const str = (v: unknown): v is string => typeof v === 'string';
  const required = (parent: string, name: string, value: unknown): value is string => {
    if (str(value)) return true;
    if (reportMissing) add(parent, `missing required element <${name}>`);
    return false;
  };

  if (required(root, 'identifier', doc.identifier)) add(`${root}/identifier[1]`, idProblem('identifier', doc.identifier));
  if (required(root, 'sender', doc.sender)) add(`${root}/sender[1]`, idProblem('sender', doc.sender));
  if (required(root, 'sent', doc.sent)) add(`${root}/sent[1]`, prefixed('sent', dateTimeProblem(doc.sent)));
  if (required(root, 'status', doc.status)) add(`${root}/status[1]`, enumProblem('status', doc.status, CAP_STATUS));
  if (required(root, 'msgType', doc.msgType)) add(`${root}/msgType[1]`, enumProblem('msgType', doc.msgType, CAP_MSG_TYPES));
  if (required(root, 'scope', doc.scope)) add(`${root}/scope[1]`, enumProblem('scope', doc.scope, CAP_SCOPES));

  // CAP 1.2 §3.2.1: restriction is used when scope is Restricted; addresses are required when Private.
  if (doc.scope === 'Restricted' && !str(doc.restriction)) add(root, 'scope is Restricted but <restriction> is missing (it says who may see the message)');
  if (doc.scope === 'Private' && !str(doc.addresses)) add(root, 'scope is Private but <addresses> is missing (it lists the intended recipients)');
  if (str(doc.addresses) && doc.addresses.trim() === '') add(`${root}/addresses[1]`, 'addresses is empty');

  // Updates, cancels and acknowledgements act on earlier messages, which only <references> names.
  if (str(doc.references)) {
    for (const p of referencesProblems(doc.references)) add(`${root}/references[1]`, p);
  } else if (doc.msgType === 'Update' || doc.msgType === 'Cancel' || doc.msgType === 'Ack') {
    add(root, `msgType is ${doc.msgType} but <references> is missing (it names the message(s) this one ${doc.msgType === 'Ack' ? 'acknowledges' : 'replaces'})`);
  }

  (Array.isArray(doc.info) ? doc.info : []).forEach((info, i) => checkInfo(info, `${root}/info[${i + 1}]`, add, reportMissing));
  return problems;
}

function prefixed(what: string, problem: string | null): string | null {
  return problem ? `${what}: ${problem}` : null;
}

function checkInfo(info: CapInfo, path: string, add: (path: string, problem: string | null) => void, reportMissing: boolean): void {
  const str = (v: unknown): v is string => typeof v === 'string';
  const required = (name: string, value: unknown): value is string => {
    if (str(value)) return true;
    if (reportMissing) add(path, `missing required element <${name}>`);
    return false;
  };
  if (str(info.language)) add(`${path}/language[1]`, LANGUAGE.test(info.language) ? null : `language "${info.language}" is not a language tag such as zh-CN or en-US`);
  const categories = Array.isArray(info.category) ? info.category : [];
  if (categories.length === 0 && reportMissing) add(path, 'missing required element <category>');
  categories.forEach((c, k) => add(`${path}/category[${k + 1}]`, enumProblem('category', c, CAP_CATEGORIES)));
  required('event', info.event);
  (info.responseType ?? []).forEach((r, k) => add(`${path}/responseType[${k + 1}]`, enumProblem('responseType', r, CAP_RESPONSE_TYPES)));
  if (required('urgency', info.urgency)) add(`${path}/urgency[1]`, enumProblem('urgency', info.urgency, CAP_URGENCY));
  if (required('severity', info.severity)) add(`${path}/severity[1]`, enumProblem('severity', info.severity, CAP_SEVERITY));
  if (required('certainty', info.certainty)) add(`${path}/certainty[1]`, enumProblem('certainty', info.certainty, CAP_CERTAINTY));
  for (const name of ['effective', 'onset', 'expires'] as const) {
    const value = info[name];
    if (str(value)) add(`${path}/${name}[1]`, prefixed(name, dateTimeProblem(value)));
  }
  (info.resource ?? []).forEach((r, k) => {
    const rp = `${path}/resource[${k + 1}]`;
    if (typeof r.size === 'number' && (!Number.isSafeInteger(r.size) || r.size < 0)) add(`${rp}/size[1]`, `size ${r.size} is not a whole number of bytes`);
  });
  (Array.isArray(info.area) ? info.area : []).forEach((area, k) => checkArea(area, `${path}/area[${k + 1}]`, add));
}

function checkArea(area: CapArea, path: string, add: (path: string, problem: string | null) => void): void {
  (area.polygon ?? []).forEach((p, k) => {
    for (const problem of polygonProblems(p)) add(`${path}/polygon[${k + 1}]`, problem);
  });
  (area.circle ?? []).forEach((c, k) => {
    for (const problem of circleProblems(c)) add(`${path}/circle[${k + 1}]`, problem);
  });
  // CAP 1.2 §3.2.4: ceiling "MUST NOT be used except in combination with the altitude element".
  if (area.ceiling !== undefined) {
    if (area.altitude === undefined) add(`${path}/ceiling[1]`, 'ceiling is given without altitude; CAP allows ceiling only together with altitude');
    else if (area.ceiling < area.altitude) add(`${path}/ceiling[1]`, `ceiling ${area.ceiling} is below altitude ${area.altitude}`);
  }
}

/**
 * Checks a CAP document held as JSON (one built by the desk before it is published, say) against
 * the value rules of CAP 1.2: the same rules parseCap applies after reading the XML.
 */
export function checkCapDocument(doc: CapDocument): CapProblem[] {
  return checkValues(doc, true);
}
