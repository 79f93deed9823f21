export { type AttrPath, formatAttrPath, parseAttrPath } from './attr-path';
export { parsePatchPath, parsePatchPathSyntax, type PatchPath, type ResolvedPatchPath } from './patch-path';
