// The environment, validated once and frozen. Every problem is listed at start, each with its fix,
// so an administrator fixes a Deployment in one pass instead of one restart per mistake.

import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parsePrivateKeys } from './oauth/signing-keys.ts';
import { ProblemList } from './problem-list.ts';

export interface Config {
  port: number;
  metricsPort: number;
  /** HTTPS listener for OpenShift's reencrypt Routes (service-ca certificate); off unless a cert is given. */
  tls: { port: number; certFile: string; keyFile: string } | undefined;
  /** MAS API base; undefined starts the built-in MAS simulator (demo). */
  masUrl: URL | undefined;
  /** Entra's Secret Token(s); empty means the caller's Authorization passes through to MAS. */
  scimTokens: readonly string[];
  masToken: string | undefined;
  masApiKeyId: string | undefined;
  masApiKey: string | undefined;
  rulesDir: string | undefined;
  groupMapFile: string | undefined;
  upstreamTimeoutMs: number;
  bodyLimitBytes: number;
  /** Each exchange written as a corpus-format file (issue 8); off unless RECORD_DIR is set. */
  record: { dir: string; maxFiles: number; maxBytes: number; hashPersonalData: boolean } | undefined;
  /** How often RULES_DIR is checked for changed rule files; 0 turns reloading off. */
  rulesReloadIntervalMs: number;
  /** Requests in flight to MAS at once, the rest waiting in a bounded queue; 0 means no cap. */
  masConcurrency: { max: number; queueLimit: number; queueTimeoutMs: number };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  allowRemoveAllMembers: boolean;
  /** How long SIGTERM waits for in-flight requests before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** Lifetime asked of MAS for each JWT minted from the API key (mas-jwt-expiry-duration). */
  masJwtExpiry: string;
  /** How Entra display names become MAS group ids when GROUP_MAP_FILE does not list them. */
  groupNameDerivation: 'none' | 'upper-snake';
  /** Replace user names, emails and filter values in the audit trail by stable hashes. */
  auditHashPersonalData: boolean;
  /** Key for those hashes (HMAC-SHA256); plain SHA-256 when unset. */
  auditHashSalt: string | undefined;
  /** Also write the audit trail to this file, rotated by size. */
  auditFile: { path: string; maxBytes: number; maxFiles: number } | undefined;
  /** Entra's OAuth client-credentials option: the token endpoint and access tokens on the listener. */
  oauth: OAuthConfig;
  /** Proxies in front that append to X-Forwarded-For (the OpenShift router: 1); 0 trusts none. */
  trustedProxyHops: number;
}

export interface OAuthConfig {
  /** undefined turns the token endpoint off and access tokens are not accepted. */
  clientId: string | undefined;
  /** Several during a rotation: the new one Entra is about to get, and the old. */
  clientSecrets: readonly string[];
  /** The PEM private keys of OAUTH_SIGNING_KEY_FILE: the first signs, all verify. */
  signingKeys: readonly KeyObject[];
  signingKeyFile: string | undefined;
  issuer: string;
  audience: string;
  tokenLifetimeSeconds: number;
  /** Failed client authentications before a source address, or the client id, is locked out. */
  maxFailuresPerSource: number;
  maxFailuresPerClient: number;
  lockoutSeconds: number;
}

export class ConfigError extends ProblemList {
  override name = 'ConfigError';
  constructor(problems: readonly string[]) {
    super('invalid configuration', problems);
  }
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => ['true', '1', 'yes'].includes(v));
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  PORT: port(8080),
  METRICS_PORT: port(9464),
  TLS_PORT: port(8443),
  TLS_CERT_FILE: optional,
  TLS_KEY_FILE: optional,
  MAS_URL: optional.pipe(
    z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://api.inst1.apps.example.com' })
      .optional(),
  ),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(104_857_600).default(1_048_576),
  RULES_DIR: optional,
  GROUP_MAP_FILE: optional,
  RECORD_DIR: optional,
  RECORD_MAX_FILES: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  RECORD_MAX_BYTES: z.coerce.number().int().min(1024).max(107_374_182_400).default(1_073_741_824),
  RECORD_HASH_PERSONAL_DATA: flag,
  RULES_RELOAD_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  MAS_MAX_CONCURRENCY: z.coerce.number().int().min(0).max(10_000).default(32),
  MAS_QUEUE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
  MAS_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  ALLOW_REMOVE_ALL_MEMBERS: flag,
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  MAS_JWT_EXPIRY: z
    .string()
    .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, {
      message: 'must be an ISO 8601 duration such as PT12H or P1D',
    })
    .default('PT12H'),
  GROUP_NAME_DERIVATION: z.enum(['none', 'upper-snake']).default('none'),
  AUDIT_HASH_PERSONAL_DATA: flag,
  AUDIT_FILE: optional,
  AUDIT_FILE_MAX_BYTES: z.coerce.number().int().min(1024).max(10_737_418_240).default(104_857_600),
  AUDIT_FILE_MAX_FILES: z.coerce.number().int().min(1).max(1000).default(5),
  OAUTH_CLIENT_ID: optional.pipe(
    z
      .string()
      .regex(/^[\x21-\x39\x3b-\x7e]{1,200}$/, { message: 'must be printable ASCII without spaces or colons' })
      .optional(),
  ),
  OAUTH_SIGNING_KEY_FILE: optional,
  OAUTH_ISSUER: optional.pipe(z.string().default('scim-proxy')),
  OAUTH_AUDIENCE: optional.pipe(z.string().default('scim-proxy')),
  OAUTH_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  OAUTH_MAX_FAILURES_PER_SOURCE: z.coerce.number().int().min(1).max(100_000).default(10),
  OAUTH_MAX_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(100),
  OAUTH_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

/** Client secrets shorter than this are refused: the secret is all that stands between a caller and MAS. */
export const MIN_CLIENT_SECRET_LENGTH = 32;

const SECRETS = ['SCIM_TOKEN', 'MAS_TOKEN', 'MAS_API_KEY'] as const;
type ReadFile = (file: string) => string;

/** Reads VAR or VAR_FILE (a mounted Secret); both set is a mistake worth stopping for. */
function secret(env: NodeJS.ProcessEnv, name: string, readFile: ReadFile, problems: string[]): string | undefined {
  const direct = env[name]?.trim() || undefined;
  const file = env[`${name}_FILE`]?.trim() || undefined;
  if (direct && file) problems.push(`${name} and ${name}_FILE are both set; set only one`);
  if (!file) return direct;
  try {
    return readFile(file).trim() || undefined;
  } catch (error) {
    problems.push(
      `${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); mount the Secret there`,
    );
    return undefined;
  }
}

export function loadConfig(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = (f) => readFileSync(f, 'utf8'),
): Readonly<Config> {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const [scimToken, masToken, masApiKey] = SECRETS.map((name) => secret(env, name, readFile, problems));
  const scimTokens = (scimToken ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const auditHashSalt = secret(env, 'AUDIT_HASH_SALT', readFile, problems);
  const masApiKeyId = env.MAS_API_KEY_ID?.trim() || undefined;
  if (Boolean(masApiKeyId) !== Boolean(masApiKey)) {
    problems.push('MAS_API_KEY_ID and MAS_API_KEY (or MAS_API_KEY_FILE) go together; set both or neither');
  }
  if (Boolean(env.TLS_CERT_FILE?.trim()) !== Boolean(env.TLS_KEY_FILE?.trim())) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together; mount both from the serving-certificate Secret');
  }
  if (masToken && masApiKey)
    problems.push('MAS_TOKEN and MAS_API_KEY are both set; use the API key (it renews) or the static token, not both');
  const oauth = oauthSettings(env, readFile, problems);
  if ((masToken || masApiKey) && scimTokens.length === 0 && !oauth.clientId) {
    problems.push(
      'MAS credentials are set but neither SCIM_TOKEN nor OAUTH_CLIENT_ID is: any caller could act on MAS with them. Set SCIM_TOKEN (or SCIM_TOKEN_FILE) to the Secret Token you give Entra, or OAUTH_CLIENT_ID with OAUTH_CLIENT_SECRET and OAUTH_SIGNING_KEY_FILE',
    );
  }
  if (oauth.clientId && oauth.signingKeys.length === 0 && !oauth.signingKeyFile && env.MAS_URL?.trim()) {
    problems.push(
      'OAUTH_CLIENT_ID is set but OAUTH_SIGNING_KEY_FILE is not: mount a PEM private key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256) from the Secret and point OAUTH_SIGNING_KEY_FILE at it',
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    metricsPort: e.METRICS_PORT,
    tls:
      e.TLS_CERT_FILE && e.TLS_KEY_FILE
        ? Object.freeze({ port: e.TLS_PORT, certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE })
        : undefined,
    masUrl: e.MAS_URL ? new URL(e.MAS_URL) : undefined,
    scimTokens: Object.freeze(scimTokens),
    masToken,
    masApiKeyId,
    masApiKey,
    rulesDir: e.RULES_DIR,
    groupMapFile: e.GROUP_MAP_FILE,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    record: e.RECORD_DIR
      ? Object.freeze({
          dir: e.RECORD_DIR,
          maxFiles: e.RECORD_MAX_FILES,
          maxBytes: e.RECORD_MAX_BYTES,
          hashPersonalData: e.RECORD_HASH_PERSONAL_DATA,
        })
      : undefined,
    rulesReloadIntervalMs: e.RULES_RELOAD_INTERVAL_MS,
    masConcurrency: Object.freeze({
      max: e.MAS_MAX_CONCURRENCY,
      queueLimit: e.MAS_QUEUE_LIMIT,
      queueTimeoutMs: e.MAS_QUEUE_TIMEOUT_MS,
    }),
    logLevel: e.LOG_LEVEL,
    allowRemoveAllMembers: e.ALLOW_REMOVE_ALL_MEMBERS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    masJwtExpiry: e.MAS_JWT_EXPIRY,
    groupNameDerivation: e.GROUP_NAME_DERIVATION,
    auditHashPersonalData: e.AUDIT_HASH_PERSONAL_DATA,
    auditHashSalt,
    auditFile: e.AUDIT_FILE
      ? Object.freeze({ path: e.AUDIT_FILE, maxBytes: e.AUDIT_FILE_MAX_BYTES, maxFiles: e.AUDIT_FILE_MAX_FILES })
      : undefined,
    oauth: Object.freeze({
      ...oauth,
      issuer: e.OAUTH_ISSUER,
      audience: e.OAUTH_AUDIENCE,
      tokenLifetimeSeconds: e.OAUTH_TOKEN_LIFETIME_SECONDS,
      maxFailuresPerSource: e.OAUTH_MAX_FAILURES_PER_SOURCE,
      maxFailuresPerClient: e.OAUTH_MAX_FAILURES_PER_CLIENT,
      lockoutSeconds: e.OAUTH_LOCKOUT_SECONDS,
    }),
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
  });
}

/** The client and its keys, each read from the Secret once (a watched file can replace the reads: issue 18). */
function oauthSettings(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile,
  problems: string[],
): Pick<OAuthConfig, 'clientId' | 'clientSecrets' | 'signingKeys' | 'signingKeyFile'> {
  const clientId = env.OAUTH_CLIENT_ID?.trim() || undefined;
  const clientSecrets = (secret(env, 'OAUTH_CLIENT_SECRET', readFile, problems) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const signingKeyFile = env.OAUTH_SIGNING_KEY_FILE?.trim() || undefined;
  if (clientId && clientSecrets.length === 0) {
    problems.push(
      'OAUTH_CLIENT_ID is set but OAUTH_CLIENT_SECRET (or OAUTH_CLIENT_SECRET_FILE) is not; set both or neither',
    );
  }
  if (!clientId && clientSecrets.length > 0) {
    problems.push('OAUTH_CLIENT_SECRET is set but OAUTH_CLIENT_ID is not; set both or neither');
  }
  if (!clientId && signingKeyFile)
    problems.push('OAUTH_SIGNING_KEY_FILE is set but OAUTH_CLIENT_ID is not; set both or neither');
  if (clientSecrets.some((s) => s.length < MIN_CLIENT_SECRET_LENGTH)) {
    problems.push(
      `OAUTH_CLIENT_SECRET: each secret needs at least ${MIN_CLIENT_SECRET_LENGTH} characters; generate one with: openssl rand -hex 32`,
    );
  }
  let signingKeys: KeyObject[] = [];
  if (signingKeyFile) {
    let pem: string | undefined;
    try {
      pem = readFile(signingKeyFile);
    } catch (error) {
      problems.push(
        `OAUTH_SIGNING_KEY_FILE: cannot read ${signingKeyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}); mount the Secret there`,
      );
    }
    if (pem !== undefined) {
      const parsed = parsePrivateKeys(pem, 'OAUTH_SIGNING_KEY_FILE');
      problems.push(...parsed.problems);
      signingKeys = parsed.keys;
    }
  }
  return {
    clientId,
    clientSecrets: Object.freeze(clientSecrets),
    signingKeys: Object.freeze(signingKeys),
    signingKeyFile,
  };
}
