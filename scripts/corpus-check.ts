// npm run corpus [DIR...]: replays corpus cases (test/fixtures/entra by default, or recordings)
// through the proxy as an administrator starts it, `npm start`, in front of a stand-in MAS that
// records what reaches it, and compares that with what each case expects. The test suite checks the
// same cases against a proxy in its own process; this checks the process users run.
import { spawn } from 'node:child_process';
import { CORPUS_DIR, mismatches, readCorpus, sendCase } from '../test/support/corpus.ts';
import { freePort } from '../test/support/process.ts';
import { startUpstream } from '../test/support/upstream.ts';

const ENTRA_TOKEN = 'entra-token-for-the-corpus-check';
const MAS_TOKEN = 'mas-token-for-the-corpus-check';

const dirs = process.argv.slice(2);
const cases = (dirs.length > 0 ? dirs : [CORPUS_DIR]).flatMap((dir) => readCorpus(dir));
const upstream = await startUpstream();
const [port, metricsPort] = [await freePort(), await freePort()];
const proxy = spawn('npm', ['start', '--silent'], {
  env: {
    ...process.env,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    MAS_URL: upstream.url,
    SCIM_TOKEN: ENTRA_TOKEN,
    MAS_TOKEN,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
  detached: true,
});
let stderr = '';
proxy.stderr.on('data', (chunk: Buffer) => {
  stderr += chunk.toString();
});
const base = `http://127.0.0.1:${port}`;
let failed = 0;
try {
  await ready(`${base}/readyz`);
  for (const c of cases) {
    const before = upstream.seen.length;
    const answer = await sendCase(base, c, ENTRA_TOKEN);
    const why = mismatches(c, answer, upstream.seen.slice(before), MAS_TOKEN);
    if (why.length > 0) {
      failed += 1;
      console.log(`FAIL ${c.name}: ${why.join('; ')}`);
    }
  }
  console.log(`corpus: ${cases.length - failed}/${cases.length} cases pass`);
} catch (error) {
  failed = cases.length || 1;
  console.log(`corpus: the proxy did not start (${(error as Error).message})\n${stderr.slice(-3000)}`);
} finally {
  if (proxy.pid !== undefined) process.kill(-proxy.pid, 'SIGTERM');
  await upstream.close();
}
process.exitCode = failed === 0 ? 0 : 1;

async function ready(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proxy.exitCode !== null) throw new Error(`npm start exited with ${proxy.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}
