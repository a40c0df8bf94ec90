// The library of actions a rule file may name. Adding an action means adding it here.
import type { Action } from '../action.ts';
import { answerEmptyPatch } from './answer-empty-patch.ts';
import { canonicalAttributeCase } from './canonical-attribute-case.ts';
import { coerceBooleanStrings } from './coerce-boolean-strings.ts';
import { completeListResponse } from './complete-list-response.ts';
import { dropNullProperties } from './drop-null-properties.ts';
import { dropQueryParameters } from './drop-query-parameters.ts';
import { dropUnrequestedAttributes } from './drop-unrequested-attributes.ts';
import { expandMemberRemoval } from './expand-member-removal.ts';
import { fixSchemaUrns } from './fix-schema-urns.ts';
import { keepMembers } from './keep-members.ts';
import { lowercaseOp } from './lowercase-op.ts';
import { mapGroupDisplayName, mapGroupFilter, unmapGroupDisplayNames } from './map-group-names.ts';
import { mergeFilteredAdds } from './merge-filtered-adds.ts';
import { moveExtensionAttributes } from './move-extension-attributes.ts';
import { normalizeManagerOp } from './normalize-manager-op.ts';
import { parseStringifiedRoles } from './parse-stringified-roles.ts';
import { qualifyExtensionPaths } from './qualify-extension-paths.ts';
import { refuseUnfilteredRemoval } from './refuse-unfiltered-removal.ts';
import { rewriteFilter } from './rewrite-filter.ts';
import { splitPathlessValue } from './split-pathless-value.ts';
import { wrapMemberValues } from './wrap-member-values.ts';
import { wrapStringAsValue } from './wrap-string-as-value.ts';

const all: Action<never>[] = [
  answerEmptyPatch,
  canonicalAttributeCase,
  coerceBooleanStrings,
  completeListResponse,
  dropNullProperties,
  dropQueryParameters,
  dropUnrequestedAttributes,
  expandMemberRemoval,
  fixSchemaUrns,
  keepMembers,
  lowercaseOp,
  mapGroupDisplayName,
  mapGroupFilter,
  unmapGroupDisplayNames,
  mergeFilteredAdds,
  moveExtensionAttributes,
  normalizeManagerOp,
  parseStringifiedRoles,
  qualifyExtensionPaths,
  refuseUnfilteredRemoval,
  rewriteFilter,
  splitPathlessValue,
  wrapMemberValues,
  wrapStringAsValue,
] as Action<never>[];

export const actions: ReadonlyMap<string, Action<unknown>> = new Map(
  all.map((action) => [action.name, action as unknown as Action<unknown>]),
);
