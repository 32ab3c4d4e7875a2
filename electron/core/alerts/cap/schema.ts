/**
 * The OASIS CAP 1.2 schema (../shared/vectors/cap/schema/cap12.xsd) as data: every complex type is
 * an xs:sequence of fields, in schema order. The parser walks documents against it (order,
 * cardinality, unknown elements) and the writer serialises from it, so both follow the one order.
 *
 * Value rules (enumerations, dateTimes, identifiers, geometry) live in check.ts, on the JSON form,
 * so a document built in code is checked the same way as one that arrived as XML. Only decimal and
 * integer are checked here, at parse time, because the JSON form holds them as numbers.
 */

export const CAP12_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP11_NS = 'urn:oasis:names:tc:emergency:cap:1.1';
/** CAP 1.0 used a different namespace; it is recognised only to say clearly that it is not supported. */
export const CAP10_NS = 'http://www.incident.com/cap/1.0';
/** The XSD's trailing xs:any: enveloped XML signatures (1.1 also allowed XML encryption). */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const XMLENC_NS = 'http://www.w3.org/2001/04/xmlenc#';
/** xsi:* attributes (schemaLocation…) are allowed on any element by every schema processor. */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export type CapVersion = '1.1' | '1.2';

/**
 * How a simple element's text becomes a JSON value. 'text' stays a string exactly as written
 * (xs:string and its enumerations preserve whitespace); 'token' is a string with whitespace
 * collapsed, as XSD does for xs:dateTime, xs:language and xs:anyURI; 'decimal' and 'integer'
 * become numbers. check.ts judges the strings' values.
 */
export type SimpleKind = 'text' | 'token' | 'decimal' | 'integer';

export interface Field {
  name: string;
  min: 0 | 1;
  /** 1, or Infinity for maxOccurs="unbounded" (the JSON form is then an array). */
  max: number;
  type: SimpleKind | ComplexType;
}

export interface ComplexType {
  /** The element name, for messages ("in <area>"). */
  name: string;
  fields: Field[];
  /** Namespaces of the xs:any that may follow the sequence (only <alert> has one). */
  foreign?: string[];
}

const one = (name: string, type: Field['type'] = 'text'): Field => ({ name, min: 1, max: 1, type });
const opt = (name: string, type: Field['type'] = 'text'): Field => ({ name, min: 0, max: 1, type });
const many = (name: string, min: 0 | 1, type: Field['type'] = 'text'): Field => ({ name, min, max: Infinity, type });

const valuePair = (name: string): ComplexType => ({ name, fields: [one('valueName'), one('value')] });

function build(version: CapVersion): ComplexType {
  const resource: ComplexType = {
    name: 'resource',
    fields: [
      one('resourceDesc'),
      // CAP 1.1 made mimeType optional; 1.2 requires it (the 1.1 → 1.2 conversion fills it in).
      version === '1.1' ? opt('mimeType') : one('mimeType'),
      opt('size', 'integer'),
      opt('uri', 'token'),
      opt('derefUri'),
      opt('digest'),
    ],
  };
  const area: ComplexType = {
    name: 'area',
    fields: [
      one('areaDesc'),
      many('polygon', 0),
      many('circle', 0),
      many('geocode', 0, valuePair('geocode')),
      opt('altitude', 'decimal'),
      opt('ceiling', 'decimal'),
    ],
  };
  const info: ComplexType = {
    name: 'info',
    fields: [
      opt('language', 'token'),
      many('category', 1),
      one('event'),
      many('responseType', 0),
      one('urgency'),
      one('severity'),
      one('certainty'),
      opt('audience'),
      many('eventCode', 0, valuePair('eventCode')),
      opt('effective', 'token'),
      opt('onset', 'token'),
      opt('expires', 'token'),
      opt('senderName'),
      opt('headline'),
      opt('description'),
      opt('instruction'),
      opt('web', 'token'),
      opt('contact'),
      many('parameter', 0, valuePair('parameter')),
      many('resource', 0, resource),
      many('area', 0, area),
    ],
  };
  return {
    name: 'alert',
    fields: [
      one('identifier'),
      one('sender'),
      one('sent', 'token'),
      one('status'),
      one('msgType'),
      opt('source'),
      one('scope'),
      opt('restriction'),
      opt('addresses'),
      many('code', 0),
      opt('note'),
      opt('references'),
      opt('incidents'),
      many('info', 0, info),
    ],
    foreign: version === '1.1' ? [XMLDSIG_NS, XMLENC_NS] : [XMLDSIG_NS],
  };
}

export const ALERT_TYPE: Record<CapVersion, ComplexType> = { '1.1': build('1.1'), '1.2': build('1.2') };

/** xs:decimal and xs:integer lexical forms (no exponent, no NaN/INF), after whitespace collapse. */
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
export const INTEGER = /^[+-]?\d+$/;
