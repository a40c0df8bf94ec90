import { z } from 'zod';
import { serialize, stringValue, type Token, tokenize } from '../../scim/filter.ts';
import { isPatchOperation, isPlainObject, opName, pathIs } from '../../scim/patch.ts';
import { type ActionContext, defineAction, keep, perResource, replace } from '../action.ts';

/** The name in `displayName eq "<name>"`, the one place a filter names a group; undefined elsewhere. */
function displayNameAt(tokens: readonly Token[], i: number): string | undefined {
  const token = tokens[i];
  const named = tokens[i - 2]?.text.toLowerCase() === 'displayname' && tokens[i - 1]?.text.toLowerCase() === 'eq';
  return token?.kind === 'string' && named ? stringValue(token.text) : undefined;
}

/** `displayName eq "Maximo Supervisors"` → `displayName eq "AP_MAXIMO_SUPERVISORS"`. */
export const mapGroupFilter = defineAction({
  name: 'map-group-filter',
  description: 'In a filter, maps the value of each `displayName eq "<name>"` to its MAS group id.',
  params: z.object({}).strict(),
  run(node, _params, { options }) {
    if (typeof node !== 'string') return keep;
    const tokens = tokenize(node);
    if (!tokens) return keep;
    let changed = false;
    const mapped = tokens.map((token, i) => {
      const name = displayNameAt(tokens, i);
      if (name === undefined) return token;
      const masName = options.groupNames.toMas(name);
      if (masName === name) return token;
      changed = true;
      return { ...token, text: JSON.stringify(masName) };
    });
    return changed ? replace(serialize(mapped)) : keep;
  },
});

function mapDisplayName(value: unknown, context: ActionContext): unknown {
  return typeof value === 'string' ? context.options.groupNames.toMas(value) : value;
}

/** A group's displayName in a created or replaced group, or in a PATCH replace/add of it. */
export const mapGroupDisplayName = defineAction({
  name: 'map-group-display-name',
  description:
    'Maps a group displayName (resource, PATCH op with path displayName, or path-less value) to its MAS group id.',
  params: z.object({}).strict(),
  run(node, _params, context) {
    if (isPatchOperation(node)) {
      if (opName(node) === 'remove') return keep;
      if (pathIs(node.path, 'displayName')) {
        const value = mapDisplayName(node.value, context);
        return value === node.value ? keep : replace({ ...node, value });
      }
      if (node.path !== undefined || !isPlainObject(node.value)) return keep;
      const value = mapDisplayName(node.value.displayName, context);
      return value === node.value.displayName
        ? keep
        : replace({ ...node, value: { ...node.value, displayName: value } });
    }
    if (!isPlainObject(node)) return keep;
    const value = mapDisplayName(node.displayName, context);
    return value === node.displayName ? keep : replace({ ...node, displayName: value });
  },
});

/** Every display name the request (as Entra sent it) used: in a filter, a body, or PATCH ops. */
function mentionedNames(request: ActionContext['request']): string[] {
  const names: string[] = [];
  const tokens = tokenize(request?.query.filter ?? '') ?? [];
  tokens.forEach((_, i) => {
    const name = displayNameAt(tokens, i);
    if (name !== undefined) names.push(name);
  });
  const body = request?.body;
  if (isPlainObject(body) && typeof body.displayName === 'string') names.push(body.displayName);
  for (const op of isPlainObject(body) && Array.isArray(body.Operations) ? body.Operations : []) {
    if (!isPatchOperation(op)) continue;
    if (pathIs(op.path, 'displayName') && typeof op.value === 'string') names.push(op.value);
    if (isPlainObject(op.value) && typeof op.value.displayName === 'string') names.push(op.value.displayName);
  }
  return names;
}

/** In MAS's answer, each group's displayName goes back to the name Entra knows it by. */
export const unmapGroupDisplayNames = defineAction({
  name: 'unmap-group-display-names',
  description:
    'Maps MAS group names back to Entra display names in a group or a ListResponse of groups (response rules).',
  params: z.object({}).strict(),
  run(node, _params, context) {
    if (!isPlainObject(node)) return keep;
    const mentioned = mentionedNames(context.request);
    const unmap = (group: unknown): unknown => {
      if (!isPlainObject(group) || typeof group.displayName !== 'string') return group;
      const name = context.options.groupNames.toEntra(group.displayName, mentioned);
      return name === group.displayName ? group : { ...group, displayName: name };
    };
    return perResource(node, unmap);
  },
});
