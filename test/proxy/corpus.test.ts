// Every Entra request shape in the corpus, sent through the running proxy, reaches the stand-in MAS
// exactly as its `expect` says (or is answered or refused locally, without reaching it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mismatches, readCorpus, sendCase } from '../support/corpus.ts';
import { ENTRA_TOKEN, MAS_TOKEN, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

for (const c of readCorpus()) {
  test(`corpus: ${c.name}`, async (t) => {
    const upstream = await startUpstream();
    const proxy = await startProxy(upstream.url);
    t.after(async () => {
      await proxy.close();
      await upstream.close();
    });
    const answer = await sendCase(proxy.url, c, ENTRA_TOKEN);
    assert.deepEqual(mismatches(c, answer, upstream.seen, MAS_TOKEN), []);
  });
}

test('a case whose forwarded body differs from its expect is reported, not passed', () => {
  const [c] = readCorpus().filter((x) => x.expect.upstream?.body);
  assert.ok(c);
  const expected = c.expect.upstream;
  assert.ok(expected);
  const raw = Buffer.from(JSON.stringify({ other: true }));
  const seen = [
    {
      method: expected.method,
      path: expected.path,
      rawQuery: '',
      query: expected.query,
      headers: { authorization: `Bearer ${MAS_TOKEN}`, 'content-length': String(raw.length) },
      raw,
      body: { other: true },
    },
  ];
  const why = mismatches(c, { status: 200, text: '{}' }, seen, MAS_TOKEN);
  assert.equal(why.length, 1);
  assert.match(why[0] ?? '', /^body /);
});
