// Names in random case (RFC 7643 §2.1): a request whose every SCIM name (PatchOp and operation
// members, op names, names and operators in paths, value keys) is spelled in some random case is
// rewritten exactly like the same request as generated, in the engine and through the running proxy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyRules, type Subject } from '../../src/rules/apply.ts';
import { loadRules, ruleDirs } from '../../src/rules/load.ts';
import { auth, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';
import { forwardablePatch, groupPatch, userPatch } from './arbitraries.ts';

const rules = await loadRules(ruleDirs());

const runs = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Number(process.env.FC_NUM_RUNS) || numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
});

/** A small deterministic generator, so fast-check's seed decides every letter's case. */
function letters(seed: number): (text: string) => string {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (text) => [...text].map((c) => (next() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/**
 * Written here rather than taken from src/scim/names.ts (the check must not share the code it
 * checks): every key at any depth, the `op` value, and a path outside its quoted strings.
 */
function recase(value: unknown, randomCase: (text: string) => string, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => recase(item, randomCase));
  if (typeof value === 'string') {
    if (key === 'op') return randomCase(value);
    if (key === 'path')
      return value.replace(/("(?:[^"\\]|\\.)*")|[^"]+/g, (part, quoted) => quoted ?? randomCase(part));
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [randomCase(name), recase(item, randomCase, name.toLowerCase())]),
  );
}

const recased = (subject: Subject, seed: number): Subject => ({
  ...subject,
  body: recase(subject.body, letters(seed)),
});

const decisionOf = (subject: Subject) => {
  const result = applyRules(rules, subject);
  const { outcome } = result;
  return outcome.kind === 'forward'
    ? { kind: 'forward', body: JSON.parse(JSON.stringify(result.body)) }
    : { kind: outcome.kind, status: outcome.status, rule: outcome.rule };
};

test('a PATCH with every name in random case is rewritten exactly like the generated one', () => {
  fc.assert(
    fc.property(fc.oneof(groupPatch, userPatch), fc.integer(), ({ subject }, seed) => {
      assert.deepEqual(decisionOf(recased(subject, seed)), decisionOf(subject));
    }),
    runs(300),
  );
});

test('rewriting a request with names in random case is idempotent', () => {
  fc.assert(
    fc.property(forwardablePatch, fc.integer(), ({ subject }, seed) => {
      const once = applyRules(rules, recased(subject, seed));
      if (once.outcome.kind !== 'forward') return;
      const twice = applyRules(rules, { ...subject, body: once.body });
      assert.deepEqual(twice.applied, []);
    }),
    runs(200),
  );
});

test('through the running proxy, MAS receives the same request whatever the case of the names', async (t) => {
  const upstream = await startUpstream();
  const proxy = await startProxy(upstream.url);
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const send = async (subject: Subject) => {
    upstream.seen.length = 0;
    const res = await fetch(`${proxy.url}/scim/v2/p1/${subject.resource}/${encodeURIComponent(subject.id ?? '')}`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/scim+json' },
      body: JSON.stringify(subject.body),
    });
    await res.arrayBuffer();
    return { status: res.status, seen: upstream.seen.map((s) => s.body) };
  };
  await fc.assert(
    fc.asyncProperty(fc.oneof(groupPatch, userPatch), fc.integer(), async ({ subject }, seed) => {
      const generated = await send(subject);
      const anyCase = await send(recased(subject, seed));
      assert.deepEqual(anyCase, generated);
    }),
    runs(25),
  );
});
