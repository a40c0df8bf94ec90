// The MAS simulator in a process of its own, for bench:sync. The parent asks it for a summary of
// what it holds at the end, to check that no membership was lost on the way.
import { startSimulator } from '../../src/simulator/index.ts';
import { serveParent } from '../child.ts';
import { BENCH_MAS_TOKEN, PROFILE } from '../workloads.ts';

const sim = await startSimulator({
  staticTokens: [BENCH_MAS_TOKEN],
  // As the README asks of a real MAS profile: group ids are the names Entra sends, no random suffix.
  profiles: [{ id: PROFILE, version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }],
});

serveParent({ url: sim.url }, async (message) => {
  if (message.type !== 'summary') return {};
  const groups = sim.groups(PROFILE);
  const members: Record<string, number> = {};
  for (const group of groups) members[group.id] = Array.isArray(group.members) ? group.members.length : 0;
  return { users: sim.users(PROFILE).length, groups: groups.length, members };
});
