// `npm run corpus` works from a clone: it starts the proxy with `npm start`, replays the project's
// own corpus through it, and names each case whose forwarded request differs from its expect.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CORPUS_DIR, readCorpus } from '../support/corpus.ts';
import { ROOT } from '../support/markdown.ts';

test('npm run corpus passes the corpus through npm start and names a case that does not hold', (t) => {
  const cases = readCorpus();
  const wrong = structuredClone(cases.find((c) => c.expect.upstream?.body !== undefined));
  assert.ok(wrong?.expect.upstream);
  wrong.name = 'a-case-expecting-another-body';
  wrong.expect.upstream.body = { expected: 'something the rules never produce' };
  const extra = mkdtempSync(path.join(tmpdir(), 'corpus-'));
  t.after(() => rmSync(extra, { recursive: true, force: true }));
  writeFileSync(path.join(extra, 'wrong.json'), JSON.stringify(wrong));

  const run = spawnSync('npm', ['run', '--silent', 'corpus', '--', CORPUS_DIR, extra], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^corpus: ${cases.length}/${cases.length + 1} cases pass$`, 'm'));
  assert.match(run.stdout, /^FAIL a-case-expecting-another-body: body /m);
  assert.equal(run.stdout.match(/^FAIL /gm)?.length, 1, run.stdout);
});
