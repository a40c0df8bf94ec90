// npm run demo: one Entra provisioning cycle replayed twice, straight at MAS (the simulator, which
// reproduces MAS) and through scim-proxy, to show an administrator what the proxy changes.

import { type CycleIds, GROUP_NAME, groupCycle, runCycle, type StepOutcome } from '../src/simulator/entra-cycle.ts';
import type { StartedSimulator } from '../src/simulator/index.ts';
import { PROFILE_ID, startSimulatedMas, startStack } from './stack.ts';

interface Run {
  outcomes: StepOutcome[];
  members: string;
  carolActive: string;
}

async function straight(): Promise<Run> {
  const { sim, token } = await startSimulatedMas();
  try {
    const { ids, outcomes } = await runCycle(groupCycle, { url: sim.url, token, profileId: PROFILE_ID });
    return { outcomes, ...state(sim, ids) };
  } finally {
    await sim.close();
  }
}

async function throughProxy(): Promise<Run> {
  const stack = await startStack();
  try {
    const target = { url: stack.proxyUrl, token: stack.entraToken, profileId: PROFILE_ID };
    const { ids, outcomes } = await runCycle(groupCycle, target);
    return { outcomes, ...state(stack.sim, ids) };
  } finally {
    await stack.close();
  }
}

function state(sim: StartedSimulator, ids: CycleIds) {
  const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  const members = (sim.group(PROFILE_ID, ids.group ?? '')?.members ?? []) as { value: string }[];
  const carol = sim.user(PROFILE_ID, ids.carol ?? '');
  return {
    members: members.map((m) => nameOf.get(m.value) ?? m.value).join(', ') || '(none)',
    carolActive: carol ? String(carol.active) : '(no such user)',
  };
}

function detail(outcome: StepOutcome | undefined): string {
  const body = outcome?.body as { detail?: unknown } | undefined;
  return typeof body?.detail === 'string' ? body.detail : '';
}

const [direct, proxied] = [await straight(), await throughProxy()];
const width = Math.max(...groupCycle.map((step) => step.does.length), 34) + 2;
const row = (label: string, a: string, b: string) => `${label.padEnd(width)}${a.padEnd(20)}${b}`;
const lines = [
  '',
  'One Entra provisioning cycle, sent straight to MAS and then through scim-proxy (MAS is simulated).',
  '',
  row('Entra sends', 'straight to MAS', 'through scim-proxy'),
  row('-'.repeat(width - 2), '-'.repeat(18), '-'.repeat(18)),
  ...direct.outcomes.map((o, i) => row(o.does, `HTTP ${o.status}`, `HTTP ${proxied.outcomes[i]?.status ?? '-'}`)),
  '',
  row('What MAS holds afterwards', 'straight to MAS', 'through scim-proxy'),
  row('-'.repeat(width - 2), '-'.repeat(18), '-'.repeat(18)),
  row(`members of ${GROUP_NAME}`, direct.members, proxied.members),
  row('carol active', direct.carolActive, proxied.carolActive),
  '',
  'Straight to MAS, removing carol emptied the whole group: Entra\'s {"op":"Remove","path":"members",',
  '"value":[...]} means "remove every member" under RFC 7644, and MAS follows the RFC.',
  `Disabling carol failed (HTTP 400): ${detail(direct.outcomes.at(-1)) || 'MAS refused the string "False"'}.`,
  'scim-proxy sent members[value eq "<carol>"] and "active": false instead.',
  '',
];
console.log(lines.join('\n'));
// The demo doubles as a smoke test: a proxy that no longer fixes the cycle must not exit 0.
if (proxied.members !== 'alice, bob' || proxied.carolActive !== 'false') {
  console.error('scim-proxy did not give the expected result (alice, bob; carol inactive).');
  process.exitCode = 1;
}
