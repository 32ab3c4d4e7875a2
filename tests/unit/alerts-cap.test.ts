/**
 * CAP 1.2 (electron/core/alerts/cap): the public vectors in ../shared/vectors/cap (read in place),
 * XXE refusal, schema order and cardinality, the spec's semantic rules, CAP 1.1 conversion and
 * the round trip parse → toCapXml → xmllint --schema → parse.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { capDateTime, checkCapDocument, dateTimeProblem, parseCap, toCapXml } from '../../electron/core/alerts/cap';
import type { CapDocument, CapProblem } from '../../shared/contract/alerts';

/** The reference material sits beside the checkout (DESIGN.md: "../shared/ beside the checkout"). */
/** The public vectors, read in place where the project's shared reference folder lives (as REFERENCE_DATA). */
const VECTORS = '/work/shared/vectors/';
const XSD = path.join(VECTORS, 'cap/schema/cap12.xsd');
const CAP_SOURCES = fileURLToPath(new URL('../../electron/core/alerts/cap/', import.meta.url));

interface VectorEntry {
  file: string;
  expected_valid: boolean;
  expected_reasons?: { type: string; xpath: string }[];
}
const INDEX = JSON.parse(fs.readFileSync(path.join(VECTORS, 'cap/INDEX.json'), 'utf8')) as VectorEntry[];
const VALID = INDEX.filter((e) => e.expected_valid);
const INVALID = INDEX.filter((e) => !e.expected_valid);
const read = (file: string): string => fs.readFileSync(path.join(VECTORS, file), 'utf8');
const vector = (name: string): string => read(INDEX.find((e) => e.file.endsWith(name))!.file);

function parsed(xml: string): { doc: CapDocument; version: string; warnings: string[] } {
  const result = parseCap(xml);
  if (!result.ok) throw new Error(`expected a valid CAP document, got:\n${result.problems.map((p) => `${p.path}: ${p.problem}`).join('\n')}`);
  return result;
}

function problemsOf(xml: string): CapProblem[] {
  const result = parseCap(xml);
  if (result.ok) throw new Error('expected the document to be rejected');
  return result.problems;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-cap-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Validates XML with libxml2 against the OASIS XSD; throws with xmllint's message when invalid. */
function xmllint(xml: string): void {
  const file = path.join(tmp, `doc-${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(file, xml, 'utf8');
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`xmllint rejected the document: ${err.stderr?.toString() ?? String(e)}\n${xml.slice(0, 2000)}`);
  }
}

/** A China-side document built in code, valid, used as the base of the rule tests. */
function chinaDoc(): CapDocument {
  return {
    identifier: 'YC-2026-1129-0001',
    sender: 'yjzx@yuancheng.gov.cn',
    sent: '2026-11-29T09:30:00+08:00',
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [
      {
        language: 'zh-CN',
        category: ['Met'],
        event: '暴雨',
        responseType: ['Prepare', 'Monitor'],
        urgency: 'Expected',
        severity: 'Severe',
        certainty: 'Likely',
        eventCode: [{ valueName: 'GB/T 35965.1', value: '11B03' }],
        effective: '2026-11-29T09:30:00+08:00',
        expires: '2026-11-29T21:30:00+08:00',
        senderName: '源城区应急指挥中心',
        headline: '暴雨橙色预警',
        description: '预计未来3小时内源城区将出现50毫米以上降雨，请注意防范。\n特殊字符：<>&"\' 与 ]]> 保持原样。',
        instruction: '停止户外作业，转移低洼地带人员。',
        parameter: [{ valueName: '预警等级', value: '橙色' }],
        area: [
          {
            areaDesc: '源城区 上城街道',
            polygon: ['23.70,114.60 23.80,114.70 23.70,114.75 23.70,114.60'],
            circle: ['23.74,114.68 5.5'],
            geocode: [{ valueName: 'GB/T 2260', value: '441602' }],
            altitude: 0,
            ceiling: 1500.5,
          },
        ],
      },
    ],
  };
}

const paths = (problems: CapProblem[]): string[] => problems.map((p) => p.path);

describe('valid vectors (INDEX.json, expected_valid)', () => {
  it('the index lists the vectors this suite expects', () => {
    expect(VALID.length).toBeGreaterThanOrEqual(6);
    expect(INVALID.length).toBeGreaterThanOrEqual(5);
  });

  it.each(VALID.map((e) => [e.file]))('%s parses as CAP 1.2', (file) => {
    const { doc, version } = parsed(read(file));
    expect(version).toBe('1.2');
    expect(doc.identifier).not.toBe('');
    expect(doc.info.length).toBeGreaterThan(0);
  });

  it('Appendix A.1: the advisory, its parameter and resource, an area without geometry', () => {
    const { doc } = parsed(vector('oasis_cap12_appendix_A1.xml'));
    expect(doc).toMatchObject({ identifier: '43b080713727', sender: 'hsas@dhs.gov', sent: '2003-04-02T14:39:01-05:00', status: 'Actual', msgType: 'Alert', scope: 'Public' });
    expect(doc.info).toHaveLength(1);
    const info = doc.info[0]!;
    expect(info.category).toEqual(['Security']);
    expect(info.parameter).toEqual([{ valueName: 'HSAS', value: 'ORANGE' }]);
    expect(info.resource).toEqual([{ resourceDesc: 'Image file (GIF)', mimeType: 'image/gif', uri: 'http://www.dhs.gov/dhspublic/getAdvisoryImage' }]);
    expect(info.area).toEqual([{ areaDesc: 'U.S. nationwide and interests worldwide' }]);
  });

  it('Appendix A.2: polygon, eventCode, geocodes', () => {
    const { doc } = parsed(vector('oasis_cap12_appendix_A2.xml'));
    expect(doc).toMatchObject({ identifier: 'KSTO1055887203', sender: 'KSTO@NWS.NOAA.GOV', msgType: 'Alert' });
    const info = doc.info[0]!;
    expect(info.responseType).toEqual(['Shelter']);
    expect(info.eventCode).toEqual([{ valueName: 'SAME', value: 'SVR' }]);
    expect(info.expires).toBe('2003-06-17T16:00:00-07:00');
    expect(info.area).toHaveLength(1);
    expect(info.area[0]!.polygon).toEqual(['38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14']);
    expect(info.area[0]!.geocode).toHaveLength(3);
  });

  it('Appendix A.3: an Update with references and a zero-radius circle', () => {
    const { doc } = parsed(vector('oasis_cap12_appendix_A3.xml'));
    expect(doc).toMatchObject({ identifier: 'TRI13970876.2', msgType: 'Update', references: 'trinet@caltech.edu,TRI13970876.1,2003-06-11T20:30:00-07:00' });
    expect(doc.info[0]!.parameter).toHaveLength(5);
    expect(doc.info[0]!.area[0]!.circle).toEqual(['32.9525,-115.5527 0']);
  });

  it('Appendix A.4: two languages, non-ASCII text', () => {
    const { doc } = parsed(vector('oasis_cap12_appendix_A4.xml'));
    expect(doc).toMatchObject({ identifier: 'KAR0-0306112239-SW', source: 'SW' });
    expect(doc.info.map((i) => i.language)).toEqual(['en-US', 'es-US']);
    expect(doc.info[1]!.event).toBe('Abducción de Niño');
    expect(doc.info[1]!.area[0]!.geocode).toEqual([{ valueName: 'SAME', value: '006037' }]);
  });

  it('the Australian feed: cap: prefixed elements, two infos, circles, an empty <value/>', () => {
    const { doc } = parsed(vector('googlecaplib_australia.xml'));
    expect(doc).toMatchObject({ identifier: 'tag:www.rfs.nsw.gov.au2011-10-06:40184', sender: 'webmaster@rfs.nsw.gov.au', msgType: 'Alert', code: ['urn:oasis:names:tc:emergency:cap:1.2:profile:CAP-AU:1.0'] });
    expect(doc.info).toHaveLength(2);
    const info = doc.info[0]!;
    expect(info.category).toEqual(['Fire', 'Met']);
    expect(info.eventCode).toHaveLength(2);
    expect(info.parameter).toHaveLength(7);
    expect(info.parameter).toContainEqual({ valueName: 'AllocatedResources', value: '' });
    // Entities are decoded once: the feed's "&lt;br /&gt;" is the text "<br />".
    expect(info.description).toContain('Not Applicable<br />LOCATION');
    expect(info.area[0]!.circle).toEqual(['-35.3888,147.0598 25.0']);
    expect(doc.info[1]!.area[0]!.geocode).toEqual([{ valueName: 'http://www.psma.com.au/?product=postcode-boundaries', value: '2642' }]);
  });

  it('the IPAWS message: embedded audio kept, the XML signature skipped with a warning', () => {
    const { doc, warnings } = parsed(vector('oasiscap_ipaws-5e6dd964023f1930ef638846.xml'));
    expect(doc).toMatchObject({ identifier: '309104501346800', sender: '309104501346800', source: 'CRESA', code: ['IPAWSv1.0'] });
    const info = doc.info[0]!;
    expect(info.parameter).toHaveLength(5);
    expect(info.resource![0]!.mimeType).toBe('audio/x-ipaws-audio-mp3');
    expect(info.resource![0]!.derefUri!.length).toBeGreaterThan(10_000);
    expect(info.area[0]!.geocode).toHaveLength(5);
    expect(warnings.join('\n')).toMatch(/Signature.*not verified/);
  });
});

describe('invalid vectors (INDEX.json, expected_valid: false)', () => {
  const TEXT: Record<string, RegExp> = {
    INVALID_IDENTIFIER: /identifier .*comma/,
    MISSING_REQUIRED_ELEMENT: /missing required element <scope>/,
    INVALID_POLYGON: /polygon has 3 points/,
    SAXParseException: /XML syntax error at line 1, column \d+/,
  };
  const withReasons = INVALID.filter((e) => e.expected_reasons?.length);

  it.each(withReasons.map((e) => [e.file, e]))('%s is rejected at the expected path', (_file, entry) => {
    const problems = problemsOf(read(entry.file));
    for (const reason of entry.expected_reasons!) {
      const at = problems.filter((p) => p.path === reason.xpath);
      expect(at, `problems: ${JSON.stringify(problems)}`).not.toHaveLength(0);
      expect(at.map((p) => p.problem).join('\n')).toMatch(TEXT[reason.type]!);
    }
  });

  it('the only problem of the comma identifier is the identifier', () => {
    expect(problemsOf(vector('googlecaplib_inline_invalid_identifier_comma.xml'))).toEqual([
      { path: '/alert[1]/identifier[1]', problem: expect.stringContaining('"43b080713727,"') as string },
    ]);
  });
});

describe('XXE: DTDs and entities are refused before any parsing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses googlecaplib_xee.xml without reading files, opening connections or running the XML parser', () => {
    const xml = vector('googlecaplib_xee.xml');
    const spies = [
      vi.spyOn(fs, 'readFileSync'),
      vi.spyOn(fs, 'openSync'),
      vi.spyOn(fs, 'readFile'),
      vi.spyOn(fs, 'createReadStream'),
      vi.spyOn(http, 'request'),
      vi.spyOn(http, 'get'),
      vi.spyOn(https, 'request'),
      vi.spyOn(https, 'get'),
      vi.spyOn(net, 'connect'),
      vi.spyOn(net, 'createConnection'),
      vi.spyOn(XMLParser.prototype, 'parse'),
      vi.spyOn(XMLValidator, 'validate'),
    ];
    const problems = problemsOf(xml);
    expect(problems).toEqual([{ path: '/', problem: expect.stringMatching(/DTDs and entities are refused/) as string }]);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('the spies would have seen the parser: a valid document does go through it', () => {
    const validate = vi.spyOn(XMLValidator, 'validate');
    const parse = vi.spyOn(XMLParser.prototype, 'parse');
    parsed(vector('oasis_cap12_appendix_A1.xml'));
    expect(validate).toHaveBeenCalledOnce();
    expect(parse).toHaveBeenCalledOnce();
  });

  it('refuses an internal entity too (billion laughs), whatever its case or spacing', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol2;</alert>';
    expect(paths(problemsOf(lol))).toEqual(['/']);
    expect(paths(problemsOf('<!doctype alert><alert/>'))).toEqual(['/']);
  });

  it('an entity reference without a declaration is an error, not an expansion', () => {
    const xml = toCapXml(chinaDoc()).replace('<headline>暴雨橙色预警', '<headline>&xxe;暴雨橙色预警');
    const problems = problemsOf(xml);
    expect(problems).toEqual([{ path: '/alert[1]/info[1]/headline[1]', problem: expect.stringContaining('undefined entity &xxe;') as string }]);
  });

  it('the CAP module imports nothing that could reach files or the network', () => {
    for (const file of fs.readdirSync(CAP_SOURCES)) {
      const source = fs.readFileSync(path.join(CAP_SOURCES, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^(fast-xml-parser|\.\/[\w-]+|\.\.\/\.\.\/\.\.\/\.\.\/shared\/contract\/alerts)$/);
    }
  });
});

describe('round trip: parse → toCapXml → xmllint --schema → parse', () => {
  it.each(VALID.map((e) => [e.file]))('%s', (file) => {
    const { doc } = parsed(read(file));
    const xml = toCapXml(doc);
    xmllint(xml);
    expect(parsed(xml).doc).toEqual(doc);
  });

  it('Chinese text survives, written as UTF-8 characters, not references', () => {
    const doc = chinaDoc();
    expect(checkCapDocument(doc)).toEqual([]);
    const xml = toCapXml(doc);
    expect(xml).toContain('<headline>暴雨橙色预警</headline>');
    expect(xml).toContain('&lt;&gt;&amp;"\' 与 ]]&gt; 保持原样');
    xmllint(xml);
    const again = parsed(xml).doc;
    expect(again).toEqual(doc);
    expect(again.info[0]!.headline).toBe('暴雨橙色预警');
  });

  it('writes elements in schema order whatever the key order of the JSON', () => {
    const doc = chinaDoc();
    const shuffled = Object.fromEntries(Object.entries(doc).reverse()) as CapDocument;
    shuffled.info = [Object.fromEntries(Object.entries(doc.info[0]!).reverse()) as CapDocument['info'][number]];
    const xml = toCapXml(shuffled);
    xmllint(xml);
    expect(xml.indexOf('<identifier>')).toBeLessThan(xml.indexOf('<info>'));
    expect(parsed(xml).doc).toEqual(doc);
  });

  it('keeps carriage returns and decimals without exponents', () => {
    const doc = chinaDoc();
    doc.info[0]!.description = 'line 1\r\nline 2';
    doc.info[0]!.area[0]!.altitude = 1e-7;
    doc.info[0]!.area[0]!.ceiling = 1e21;
    const xml = toCapXml(doc);
    expect(xml).toContain('<altitude>0.0000001</altitude>');
    xmllint(xml);
    expect(parsed(xml).doc).toEqual(doc);
  });
});

describe('CAP 1.1 is accepted and converted to 1.2', () => {
  const to11 = (xml: string): string => xml.replace('urn:oasis:names:tc:emergency:cap:1.2', 'urn:oasis:names:tc:emergency:cap:1.1');

  it('a 1.2 vector under the 1.1 namespace', () => {
    const original = parsed(vector('oasis_cap12_appendix_A2.xml')).doc;
    const result = parsed(to11(vector('oasis_cap12_appendix_A2.xml')));
    expect(result.version).toBe('1.1');
    expect(result.doc).toEqual(original);
    expect(result.warnings).toContain('CAP 1.1 document converted to CAP 1.2');
    xmllint(toCapXml(result.doc));
  });

  it('certainty "Very Likely" becomes Likely, Z times become -00:00, a missing mimeType is filled in', () => {
    const xml = to11(vector('oasis_cap12_appendix_A1.xml'))
      .replace('<certainty>Likely</certainty>', '<certainty>Very Likely</certainty>')
      .replace('<sent>2003-04-02T14:39:01-05:00</sent>', '<sent>2003-04-02T19:39:01.250Z</sent>')
      .replace('<mimeType>image/gif</mimeType>', '');
    const { doc, version, warnings } = parsed(xml);
    expect(version).toBe('1.1');
    expect(doc.info[0]!.certainty).toBe('Likely');
    expect(doc.sent).toBe('2003-04-02T19:39:01-00:00');
    expect(doc.info[0]!.resource![0]!.mimeType).toBe('application/octet-stream');
    expect(warnings.join('\n')).toMatch(/"Very Likely" converted to "Likely"/);
    xmllint(toCapXml(doc));
  });

  it('"Very Likely" is not CAP 1.2', () => {
    const xml = vector('oasis_cap12_appendix_A1.xml').replace('<certainty>Likely</certainty>', '<certainty>Very Likely</certainty>');
    expect(problemsOf(xml)).toEqual([{ path: '/alert[1]/info[1]/certainty[1]', problem: expect.stringContaining('"Very Likely" is not one of') as string }]);
  });
});

describe('namespaces and roots', () => {
  it('accepts any prefix bound to the CAP namespace, and a mix of prefixed and default', () => {
    const xml = toCapXml(chinaDoc()).replace('<alert xmlns=', '<alert xmlns:c="urn:oasis:names:tc:emergency:cap:1.2" xmlns=').replace(/<identifier>(.*?)<\/identifier>/, '<c:identifier>$1</c:identifier>');
    expect(parsed(xml).doc).toEqual(chinaDoc());
  });

  it.each([
    ['<alert><identifier>x</identifier></alert>', /namespace ""/],
    ['<alert xmlns="urn:example:other"/>', /namespace "urn:example:other"/],
    ['<feed xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>', /root element is <feed>/],
    ['<alert xmlns="http://www.incident.com/cap/1.0"/>', /CAP 1.0/],
    ['<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"></cap:alert><cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2"></cap:alert>', /root (elements|nodes)/],
    ['', /no root element|syntax/],
  ])('rejects %j at "/"', (xml, problem) => {
    const problems = problemsOf(xml);
    expect(paths(problems)).toEqual(['/']);
    expect(problems[0]!.problem).toMatch(problem);
  });

  it('rejects elements from other namespaces inside the alert', () => {
    const xml = toCapXml(chinaDoc()).replace('<status>', '<x:status xmlns:x="urn:example">Actual</x:status><status>');
    expect(problemsOf(xml)).toEqual([{ path: '/alert[1]/status[1]', problem: expect.stringContaining('namespace "urn:example" is not part of CAP') as string }]);
  });

  it('collapses whitespace where XSD does (dateTime, language), not in enumerations', () => {
    const spaced = toCapXml(chinaDoc()).replace('<sent>2026-11-29T09:30:00+08:00</sent>', '<sent>\n  2026-11-29T09:30:00+08:00\n</sent>');
    expect(parsed(spaced).doc.sent).toBe('2026-11-29T09:30:00+08:00');
    const status = toCapXml(chinaDoc()).replace('<status>Actual</status>', '<status> Actual </status>');
    expect(problemsOf(status)).toEqual([{ path: '/alert[1]/status[1]', problem: expect.stringContaining('whitespace around the value is not allowed') as string }]);
  });

  it('reports absurd nesting instead of throwing', () => {
    const deep = toCapXml(chinaDoc()).replace('<scope>Public</scope>', `<scope>Public</scope>${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}`);
    expect(paths(problemsOf(deep))).toEqual(['/']);
  });

  it('reads CDATA literally', () => {
    const xml = toCapXml(chinaDoc()).replace('<headline>暴雨橙色预警</headline>', '<headline><![CDATA[暴雨 &amp; <橙色>]]></headline>');
    expect(parsed(xml).doc.info[0]!.headline).toBe('暴雨 &amp; <橙色>');
  });
});

describe('every problem is reported', () => {
  it('a document with many problems reports each, at its own path', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>YC 0001</identifier>
  <sender>yjzx@yuancheng.gov.cn</sender>
  <sent>2026-11-29 09:30</sent>
  <msgType>Update</msgType>
  <status>Real</status>
  <scope>Public</scope>
  <foo>bar</foo>
  <info>
    <category>Weather</category>
    <event>暴雨</event>
    <urgency>Expected</urgency>
    <severity>Severe</severity>
    <effective>2026-02-30T09:30:00+08:00</effective>
    <area>
      <areaDesc>源城区</areaDesc>
      <polygon>23.70,114.60 23.80,114.70 23.70,114.75 23.71,114.60</polygon>
      <circle>23.74,114.68</circle>
      <ceiling>high</ceiling>
    </area>
    <resource><resourceDesc>map</resourceDesc><mimeType>image/png</mimeType><size>12.5</size></resource>
  </info>
</alert>`;
    const problems = problemsOf(xml);
    const expected: [string, RegExp][] = [
      ['/alert[1]/identifier[1]', /a space/],
      ['/alert[1]/sent[1]', /not a CAP dateTime/],
      ['/alert[1]/status[1]', /out of order/],
      ['/alert[1]/status[1]', /"Real" is not one of/],
      ['/alert[1]/foo[1]', /unknown element <foo>/],
      ['/alert[1]', /Update but <references> is missing/],
      ['/alert[1]/info[1]', /missing required element <certainty>/],
      ['/alert[1]/info[1]/category[1]', /"Weather" is not one of/],
      ['/alert[1]/info[1]/effective[1]', /day 30 does not exist/],
      ['/alert[1]/info[1]/area[1]/polygon[1]', /not closed/],
      ['/alert[1]/info[1]/area[1]/circle[1]', /not "lat,lon radius"/],
      ['/alert[1]/info[1]/area[1]/ceiling[1]', /not a decimal number/],
      ['/alert[1]/info[1]/resource[1]', /out of order/],
      ['/alert[1]/info[1]/resource[1]/size[1]', /not a whole number/],
    ];
    for (const [at, text] of expected) {
      expect(
        problems.some((p) => p.path === at && text.test(p.problem)),
        `${at} ${text}\n${JSON.stringify(problems, null, 1)}`,
      ).toBe(true);
    }
    expect(problems).toHaveLength(expected.length);
  });

  it('reports duplicates of single elements and stray text and attributes', () => {
    const xml = toCapXml(chinaDoc())
      .replace('<scope>Public</scope>', '<scope>Public</scope><scope>Public</scope>stray')
      .replace('<info>', '<info lang="zh">');
    const problems = problemsOf(xml);
    expect(paths(problems)).toEqual(['/alert[1]/scope[2]', '/alert[1]', '/alert[1]/info[1]/@lang']);
    expect(problems.map((p) => p.problem).join('\n')).toMatch(/appears more than once[\s\S]*unexpected text "stray"[\s\S]*attribute lang is not allowed/);
  });
});

describe('semantic rules the schema misses', () => {
  /** Runs a changed document through the whole pipeline, as XML, like a real incoming alert. */
  function problemsAfter(change: (doc: CapDocument) => void): CapProblem[] {
    const doc = chinaDoc();
    change(doc);
    const xml = toCapXml(doc);
    const problems = problemsOf(xml);
    expect(checkCapDocument(doc)).toEqual(problems);
    return problems;
  }
  const area = (doc: CapDocument) => doc.info[0]!.area[0]!;

  it.each([
    ['Update without references', (d: CapDocument) => void (d.msgType = 'Update'), '/alert[1]', /msgType is Update but <references> is missing/],
    ['Cancel without references', (d: CapDocument) => void (d.msgType = 'Cancel'), '/alert[1]', /msgType is Cancel but <references> is missing/],
    [
      'a reference that is not a triple',
      (d: CapDocument) => Object.assign(d, { msgType: 'Update', references: 'yjzx@yuancheng.gov.cn,YC-1' }),
      '/alert[1]/references[1]',
      /reference 1 .* not a "sender,identifier,sent" triple/,
    ],
    [
      'a reference with a bad sent',
      (d: CapDocument) => Object.assign(d, { msgType: 'Cancel', references: 'a,b,2026-11-29T09:30:00+08:00 a,c,2026-11-29T09:30:00Z' }),
      '/alert[1]/references[1]',
      /reference 2 .*not a CAP dateTime/,
    ],
    ['a sender with a comma', (d: CapDocument) => void (d.sender = 'a,b'), '/alert[1]/sender[1]', /sender "a,b" contains ','/],
    ['an identifier with <', (d: CapDocument) => void (d.identifier = 'a<b'), '/alert[1]/identifier[1]', /contains '<'/],
    ['Restricted without restriction', (d: CapDocument) => void (d.scope = 'Restricted'), '/alert[1]', /Restricted but <restriction> is missing/],
    ['Private without addresses', (d: CapDocument) => void (d.scope = 'Private'), '/alert[1]', /Private but <addresses> is missing/],
    ['a circle without radius', (d: CapDocument) => void (area(d).circle = ['23.74,114.68']), '/alert[1]/info[1]/area[1]/circle[1]', /not "lat,lon radius"/],
    ['a circle with a negative radius', (d: CapDocument) => void (area(d).circle = ['23.74,114.68 -1']), '/alert[1]/info[1]/area[1]/circle[1]', /radius -1 is negative/],
    ['a circle centre off the globe', (d: CapDocument) => void (area(d).circle = ['93.74,114.68 1']), '/alert[1]/info[1]/area[1]/circle[1]', /latitude 93.74 is outside -90..90/],
    [
      'a polygon not closed',
      (d: CapDocument) => void (area(d).polygon = ['23.70,114.60 23.80,114.70 23.70,114.75 23.71,114.60']),
      '/alert[1]/info[1]/area[1]/polygon[1]',
      /not closed/,
    ],
    [
      'a polygon with a longitude out of range',
      (d: CapDocument) => void (area(d).polygon = ['23.70,114.60 23.80,184.70 23.70,114.75 23.70,114.60']),
      '/alert[1]/info[1]/area[1]/polygon[1]',
      /longitude 184.70 is outside -180..180/,
    ],
    [
      'a second polygon written "lon lat"',
      (d: CapDocument) => void area(d).polygon!.push('114.60 23.70 114.70 23.80'),
      '/alert[1]/info[1]/area[1]/polygon[2]',
      /not a "lat,lon" pair/,
    ],
    ['ceiling without altitude', (d: CapDocument) => void delete area(d).altitude, '/alert[1]/info[1]/area[1]/ceiling[1]', /ceiling is given without altitude/],
    ['ceiling below altitude', (d: CapDocument) => void (area(d).altitude = 2000), '/alert[1]/info[1]/area[1]/ceiling[1]', /ceiling 1500.5 is below altitude 2000/],
    ['a bad language tag', (d: CapDocument) => void (d.info[0]!.language = 'zh CN'), '/alert[1]/info[1]/language[1]', /not a language tag/],
    ['a dateTime with Z', (d: CapDocument) => void (d.info[0]!.expires = '2026-11-29T13:30:00Z'), '/alert[1]/info[1]/expires[1]', /not a CAP dateTime/],
    ['a dateTime with milliseconds', (d: CapDocument) => void (d.sent = '2026-11-29T09:30:00.000+08:00'), '/alert[1]/sent[1]', /no fractional seconds/],
  ])('%s', (_name, change, at, text) => {
    const problems = problemsAfter(change);
    expect(problems, JSON.stringify(problems)).toHaveLength(1);
    expect(problems[0]!.path).toBe(at);
    expect(problems[0]!.problem).toMatch(text);
  });

  it('an Ack and Update with proper references are fine', () => {
    for (const msgType of ['Update', 'Cancel', 'Ack'] as const) {
      const doc = { ...chinaDoc(), msgType, references: 'yjzx@yuancheng.gov.cn,YC-2026-1129-0000,2026-11-29T09:00:00+08:00' };
      expect(parsed(toCapXml(doc)).doc).toEqual(doc);
    }
  });
});

describe('capDateTime', () => {
  const at = new Date('2026-11-29T01:30:00.789Z');

  it('writes China time by default, whole seconds, explicit offset', () => {
    expect(capDateTime(at)).toBe('2026-11-29T09:30:00+08:00');
  });

  it('writes other offsets, UTC as -00:00, crossing midnight', () => {
    expect(capDateTime(at, 0)).toBe('2026-11-29T01:30:00-00:00');
    expect(capDateTime(at, -300)).toBe('2026-11-28T20:30:00-05:00');
    expect(capDateTime(new Date('2026-12-31T20:00:00Z'), 330)).toBe('2027-01-01T01:30:00+05:30');
  });

  it('always produces a valid CAP dateTime', () => {
    for (const offset of [-720, -30, 0, 60, 480, 840]) expect(dateTimeProblem(capDateTime(at, offset))).toBeNull();
  });

  it('refuses invalid dates and offsets', () => {
    expect(() => capDateTime(new Date('nope'))).toThrow(RangeError);
    expect(() => capDateTime(at, 900)).toThrow(RangeError);
  });
});
