// The whole process, as it runs in the pod: every line it writes (operational log and audit trail)
// after carrying the corpus, wrong tokens and broken bodies, and not one of them holds a token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { ENTRA_TOKEN, sendTraffic, startStandIn, WRONG_TOKEN } from './traffic.ts';

const MAS_TOKEN = 'mas-secret-token-9d2e51';

test('no log or audit line of a corpus run carries the Entra token, the MAS token or a wrong token', {
  timeout: 60_000,
}, async (t) => {
  const upstream = await startStandIn();
  t.after(() => upstream.close());
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      METRICS_PORT: '0',
      MAS_URL: upstream.url,
      SCIM_TOKEN: ENTRA_TOKEN,
      MAS_TOKEN,
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const listening =
        /"port":(\d+)[^\n]*"message":"scim-proxy is listening"|"message":"scim-proxy is listening"[^\n]*"port":(\d+)/.exec(
          output,
        );
      if (listening) resolve(Number(listening[1] ?? listening[2]));
    });
    child.once('exit', (code) => reject(new Error(`scim-proxy exited (${code}) before listening:\n${output}`)));
  });

  const statuses = await sendTraffic(`http://127.0.0.1:${port}`);
  const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
  child.kill('SIGTERM');
  await once(child, 'exit');

  const lines = output.trim().split('\n');
  for (const token of [ENTRA_TOKEN, MAS_TOKEN, WRONG_TOKEN]) {
    const leaks = lines.filter((line) => line.includes(token));
    assert.deepEqual(leaks, [], `${token} appears in the output`);
  }
  const records = lines.map((line) => JSON.parse(line) as { kind: string });
  assert.equal(records.filter((r) => r.kind === 'audit').length, sent, 'one audit line per request');
  assert.ok(records.some((r) => r.kind === 'log'));
  assert.deepEqual(
    records.filter((r) => r.kind !== 'audit' && r.kind !== 'log'),
    [],
    'every line is a log or an audit record',
  );
});
