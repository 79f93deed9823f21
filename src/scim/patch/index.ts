export { applyPatch } from './apply-patch';
export { parseMembers } from './members';
export { parsePatchRequest } from './operations';
export type * from './types';
