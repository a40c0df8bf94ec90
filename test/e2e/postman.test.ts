// Microsoft's SCIM Postman collection through scim-proxy into the MAS simulator. The collection
// was written for Microsoft's reference server, so a few of its expectations are not bugs here;
// scripts/postman.ts lists them, and anything else failing is a regression.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLECTION, collectionPresent, PASSED_AT_LEAST, runPostman } from '../../scripts/postman.ts';

test("Microsoft's Postman collection passes through the proxy, but for the reference server's own expectations", async (t) => {
  if (!collectionPresent()) return t.skip(`${COLLECTION} is not beside this checkout`);
  const result = await runPostman();
  assert.equal(result.requests.failed, 0, 'every request was answered');
  const unexpected = result.failures.filter((failure) => !failure.known);
  assert.deepEqual(unexpected, [], 'no failure beyond the known collection expectations');
  assert.ok(
    result.assertions.passed >= PASSED_AT_LEAST,
    `${result.assertions.passed} of ${result.assertions.total} assertions passed; at least ${PASSED_AT_LEAST} did before`,
  );
});
