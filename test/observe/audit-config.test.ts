import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

test('the audit trail hashes nothing and writes no file unless asked', () => {
  const config = loadConfig({});
  assert.equal(config.auditHashPersonalData, false);
  assert.equal(config.auditHashSalt, undefined);
  assert.equal(config.auditFile, undefined);
});

test('AUDIT_FILE turns on the file with 100 MiB and 5 files by default, both adjustable', () => {
  assert.deepEqual(loadConfig({ AUDIT_FILE: '/var/log/scim/audit.log' }).auditFile, {
    path: '/var/log/scim/audit.log',
    maxBytes: 104_857_600,
    maxFiles: 5,
  });
  const tuned = loadConfig({ AUDIT_FILE: '/a.log', AUDIT_FILE_MAX_BYTES: '2048', AUDIT_FILE_MAX_FILES: '2' });
  assert.deepEqual(tuned.auditFile, { path: '/a.log', maxBytes: 2048, maxFiles: 2 });
});

test('AUDIT_HASH_PERSONAL_DATA and its salt (directly or from a file) are read', () => {
  const config = loadConfig({ AUDIT_HASH_PERSONAL_DATA: 'true', AUDIT_HASH_SALT_FILE: '/salt' }, () => 'pepper\n');
  assert.equal(config.auditHashPersonalData, true);
  assert.equal(config.auditHashSalt, 'pepper');
});

test('every wrong audit setting is listed at once', () => {
  assert.throws(
    () => loadConfig({ AUDIT_HASH_PERSONAL_DATA: 'maybe', AUDIT_FILE_MAX_BYTES: '10', AUDIT_FILE_MAX_FILES: '0' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of ['AUDIT_HASH_PERSONAL_DATA', 'AUDIT_FILE_MAX_BYTES', 'AUDIT_FILE_MAX_FILES']) {
        assert.ok(
          error.problems.some((p) => p.startsWith(name)),
          `${name} is not listed in ${error.message}`,
        );
      }
      return true;
    },
  );
});
