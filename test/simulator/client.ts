/** A small SCIM client for the simulator tests: real HTTP through fetch. */
import type { StartedSimulator } from '../../src/simulator/index.ts';

export const token = 'static-test-token';
export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary SCIM JSON
  body: any;
}

export async function call(
  sim: StartedSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${token}` },
): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/scim+json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export function createUser(sim: StartedSimulator, profileId: string, userName: string, extra = {}) {
  return call(sim, 'POST', `/scim/v2/${profileId}/Users`, { schemas: [userSchema], userName, ...extra });
}

export function createGroup(sim: StartedSimulator, profileId: string, displayName: string, members: string[] = []) {
  return call(sim, 'POST', `/scim/v2/${profileId}/Groups`, {
    schemas: [groupSchema],
    displayName,
    members: members.map((value) => ({ value })),
  });
}

export function patch(sim: StartedSimulator, path: string, operations: unknown[]) {
  return call(sim, 'PATCH', path, { schemas: [patchSchema], Operations: operations });
}
