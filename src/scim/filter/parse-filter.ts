import { ScimError } from '../errors';
import type { ResourceTypeDefinition } from '../schema/types';
import { DEFAULT_FILTER_LIMITS, type Filter, type FilterLimits } from './ast';
import { FilterParser } from './parser';
import { validateFilter } from './validate';

/**
 * Parses a `filter` query parameter. With a resource type the tree is validated and canonical
 * (see validateFilter); without one (root-level search) only the syntax is checked.
 * Every failure is a 400 invalidFilter whose detail names the position.
 */
export function parseFilter(
  text: string,
  resourceType?: ResourceTypeDefinition,
  limits: FilterLimits = DEFAULT_FILTER_LIMITS,
): Filter {
  const tree = new FilterParser(text, ScimError.invalidFilter, limits).parseFilter();
  return resourceType === undefined ? tree : validateFilter(tree, resourceType, ScimError.invalidFilter);
}
