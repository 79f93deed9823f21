export * from './ast';
export { matchesElement, matchesFilter } from './matcher';
export { parseFilter } from './parse-filter';
export { validateFilter } from './validate';
