export * from './parse-resource';
