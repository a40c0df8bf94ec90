/**
 * One Entra provisioning cycle, request by request, in the shapes Entra really sends
 * (corpus/entra). The demo and the end-to-end tests replay the same steps, straight at MAS (the
 * simulator) or through scim-proxy, so what they show about one holds for the other.
 */

/** Ids MAS assigned to what earlier steps created, by name (`alice`, `group`). */
export type CycleIds = Readonly<Record<string, string>>;

export interface EntraRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the Tenant URL, e.g. `/Users`. */
  path: string;
  query?: Readonly<Record<string, string>>;
  body?: unknown;
}

export interface CycleStep {
  /** What Entra is doing, in an administrator's words. */
  does: string;
  request(ids: CycleIds): EntraRequest;
  /** Keeps the created resource's id under this name for the steps after it. */
  saveIdAs?: string;
}

export interface StepOutcome {
  does: string;
  status: number;
  body: unknown;
}

export interface CycleTarget {
  /** Base URL of MAS or of the proxy, e.g. `http://127.0.0.1:8080`. */
  url: string;
  token: string;
  profileId: string;
}

export { fullCycle, GROUP_NAME, groupCycle, PEOPLE, RENAMED_GROUP } from './entra-cycle-steps.ts';

/** Sends the steps in order, as Entra would, and carries created ids forward. */
export async function runCycle(
  steps: readonly CycleStep[],
  target: CycleTarget,
): Promise<{ ids: CycleIds; outcomes: StepOutcome[] }> {
  const ids: Record<string, string> = {};
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const request = step.request(ids);
    const query = new URLSearchParams(request.query).toString().replace(/=(?=&|$)/g, '');
    const url = `${target.url}/scim/v2/${target.profileId}${request.path}${query ? `?${query}` : ''}`;
    const response = await fetch(url, {
      method: request.method,
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json; charset=utf-8' },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    const body = parse(text);
    outcomes.push({ does: step.does, status: response.status, body });
    const created = (body as { id?: unknown } | undefined)?.id;
    if (step.saveIdAs && response.ok && typeof created === 'string') ids[step.saveIdAs] = created;
  }
  return { ids, outcomes };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
