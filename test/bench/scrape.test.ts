// The benchmark's reading of a proxy's /metrics, against a real HTTP server serving that text.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { scrape } from '../../bench/scrape.ts';

const METRICS = `# HELP nodejs_gc_duration_seconds Garbage collection duration by kind.
# TYPE nodejs_gc_duration_seconds histogram
nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 100
nodejs_gc_duration_seconds_sum{kind="minor"} 0.25
nodejs_gc_duration_seconds_count{kind="minor"} 120
nodejs_gc_duration_seconds_sum{kind="major"} 0.05
nodejs_gc_duration_seconds_count{kind="major"} 3
nodejs_gc_duration_seconds_sum{kind="incremental"} 0.01
nodejs_gc_duration_seconds_count{kind="incremental"} 5
process_resident_memory_bytes 134217728
`;

test('full collections are the major ones only, and GC time is every kind together', async (t) => {
  const server = createServer((_req, res) => res.end(METRICS));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const sample = await scrape(`http://127.0.0.1:${port}/metrics`);
  assert.equal(sample.fullCollections, 3);
  assert.equal(sample.gcSeconds, 0.31);
  assert.equal(sample.rssBytes, 134217728);
});
