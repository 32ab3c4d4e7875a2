/**
 * CAP 1.2 for the alert desk: parse and validate incoming alerts (XXE-safe, every problem
 * reported with its path), check documents built in code, write CAP XML. Pure functions: no
 * database, no Electron, no file system or network.
 */
export { parseCap, MAX_CAP_CHARS, type ParseCapResult } from './parse';
export { checkCapDocument, dateTimeProblem, polygonProblems, circleProblems, referencesProblems } from './check';
export { toCapXml, capDateTime } from './write';
export { CAP12_NS, CAP11_NS, type CapVersion } from './schema';
