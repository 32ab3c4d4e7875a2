export * from './result';
export * from './roles';
export * from './entities';
export * from './methods';
export * from './events';
export * from './link';
export * from './map';
export * from "./hall-api";
