export * from './coords';
export * from './cap-area';
export * from './colors';
export * from './features';
export * from './live';
