// The V8 flags the image runs scim-proxy with (NODE_OPTIONS in the Dockerfile), so the benchmark
// measures memory as a pod sees it, and gives the pass-through the same flags to stay fair.
import { readFileSync } from 'node:fs';

export function imageNodeOptions(dockerfile = new URL('../Dockerfile', import.meta.url)): string[] {
  const text = readFileSync(dockerfile, 'utf8');
  const value = /NODE_OPTIONS="([^"]*)"/.exec(text)?.[1] ?? '';
  return value.split(/\s+/).filter(Boolean);
}
