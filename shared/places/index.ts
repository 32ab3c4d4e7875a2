export * from './geo';
export * from './district';
