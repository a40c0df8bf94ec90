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
  /** The MAS profile ids Entra may name in its Tenant URL (MAS_PROFILES); empty lets any through. */
  servedProfiles: readonly string[];
  /** The built-in simulator's port (0: any free one) and API key, fixed for rehearsal scripts. */
  demo: { masPort: number; masApiKey: string | undefined };
  /** MAS API base; undefined starts the built-in MAS simulator (demo). */
  masUrl: URL | undefined;
  /** Entra's Secret Token(s); empty means the caller's Authorization passes through to MAS. */
  scimTokens: readonly string[];
  masToken: string | undefined;
  masApiKeyId: string | undefined;
  masApiKey: string | undefined;
  /** The files SCIM_TOKEN, MAS_API_KEY and MAS_TOKEN were read from, re-read when their Secret rotates. */
  secretFiles: { scimToken: string | undefined; masApiKey: string | undefined; masToken: string | undefined };
  /** How often those files and the TLS certificate are checked for a rotation; 0 reads them once. */
  secretsReloadIntervalMs: number;
  rulesDir: string | undefined;
  groupMapFile: string | undefined;
  upstreamTimeoutMs: number;
  /** How long a client may take to send a request's headers, and the whole request; answered 408. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Open connections per listener; more are closed on arrival. */
  maxConnections: number;
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

// Each variable with what it accepts and its default, so a wrong value is answered with the value
// seen and what to write instead, not the validation library's wording.
interface NumberSetting {
  min: number;
  max: number;
  fallback: number;
  /** Why the bounds are what they are, when that is not obvious. */
  why?: string;
}
// Entra abandons a request after 60 s (and retries it later): a limit past that only hides failures.
export const ENTRA_TIMEOUT_MS = 60_000;
const NUMBERS = {
  PORT: { min: 0, max: 65535, fallback: 8080 },
  METRICS_PORT: { min: 0, max: 65535, fallback: 9464 },
  TLS_PORT: { min: 0, max: 65535, fallback: 8443 },
  DEMO_MAS_PORT: { min: 0, max: 65535, fallback: 0 },
  UPSTREAM_TIMEOUT_MS: {
    min: 100,
    max: ENTRA_TIMEOUT_MS - 1,
    fallback: 30_000,
    why: 'Entra gives up on a request after 60 s',
  },
  HEADERS_TIMEOUT_MS: { min: 100, max: 120_000, fallback: 10_000 },
  REQUEST_TIMEOUT_MS: { min: 100, max: 600_000, fallback: 30_000 },
  MAX_CONNECTIONS: { min: 1, max: 1_000_000, fallback: 1_024 },
  BODY_LIMIT_BYTES: { min: 1024, max: 104_857_600, fallback: 1_048_576 },
  RECORD_MAX_FILES: { min: 1, max: 10_000_000, fallback: 10_000 },
  RECORD_MAX_BYTES: { min: 1024, max: 107_374_182_400, fallback: 1_073_741_824 },
  RULES_RELOAD_INTERVAL_MS: { min: 0, max: 3_600_000, fallback: 5_000 },
  SECRETS_RELOAD_INTERVAL_MS: { min: 0, max: 3_600_000, fallback: 5_000 },
  MAS_MAX_CONCURRENCY: { min: 0, max: 10_000, fallback: 32 },
  MAS_QUEUE_LIMIT: { min: 0, max: 1_000_000, fallback: 1_000 },
  MAS_QUEUE_TIMEOUT_MS: {
    min: 0,
    max: ENTRA_TIMEOUT_MS - 1,
    fallback: 15_000,
    why: 'Entra gives up on a request after 60 s',
  },
  SHUTDOWN_TIMEOUT_MS: { min: 0, max: 600_000, fallback: 30_000 },
  AUDIT_FILE_MAX_BYTES: { min: 1024, max: 10_737_418_240, fallback: 104_857_600 },
  AUDIT_FILE_MAX_FILES: { min: 1, max: 1000, fallback: 5 },
  OAUTH_TOKEN_LIFETIME_SECONDS: { min: 10, max: 86_400, fallback: 3600 },
  OAUTH_MAX_FAILURES_PER_SOURCE: { min: 1, max: 100_000, fallback: 10 },
  OAUTH_MAX_FAILURES_PER_CLIENT: { min: 1, max: 100_000, fallback: 100 },
  OAUTH_LOCKOUT_SECONDS: { min: 1, max: 86_400, fallback: 300 },
  TRUSTED_PROXY_HOPS: { min: 0, max: 10, fallback: 0 },
} satisfies Record<string, NumberSetting>;
type NumberName = keyof typeof NUMBERS;
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const DERIVATIONS = ['none', 'upper-snake'] as const;
const CHOICES: Record<string, { values: readonly string[]; fallback: string }> = {
  LOG_LEVEL: { values: LOG_LEVELS, fallback: 'info' },
  GROUP_NAME_DERIVATION: { values: DERIVATIONS, fallback: 'none' },
};
const FLAG_VALUES = ['true', 'false', '1', '0', 'yes', 'no', ''] as const;
const FLAGS = ['RECORD_HASH_PERSONAL_DATA', 'ALLOW_REMOVE_ALL_MEMBERS', 'AUDIT_HASH_PERSONAL_DATA'] as const;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

const number = ({ min, max, fallback }: NumberSetting) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : Number(v.trim())))
    .pipe(z.number().int().min(min).max(max));
const flag = z
  .enum(FLAG_VALUES)
  .default('false')
  .transform((v) => ['true', '1', 'yes'].includes(v));
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const numbers = Object.fromEntries(Object.entries(NUMBERS).map(([name, setting]) => [name, number(setting)])) as Record<
  NumberName,
  ReturnType<typeof number>
>;

const envSchema = z.object({
  ...numbers,
  TLS_CERT_FILE: optional,
  TLS_KEY_FILE: optional,
  MAS_URL: optional,
  RULES_DIR: optional,
  GROUP_MAP_FILE: optional,
  RECORD_DIR: optional,
  RECORD_HASH_PERSONAL_DATA: flag,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  ALLOW_REMOVE_ALL_MEMBERS: flag,
  MAS_JWT_EXPIRY: z.string().regex(ISO_DURATION).default('PT12H'),
  GROUP_NAME_DERIVATION: z.enum(DERIVATIONS).default('none'),
  AUDIT_HASH_PERSONAL_DATA: flag,
  AUDIT_FILE: optional,
  OAUTH_CLIENT_ID: optional.pipe(
    z
      .string()
      .regex(/^[\x21-\x39\x3b-\x7e]{1,200}$/, { message: 'must be printable ASCII without spaces or colons' })
      .optional(),
  ),
  OAUTH_SIGNING_KEY_FILE: optional,
  OAUTH_ISSUER: optional.pipe(z.string().default('scim-proxy')),
  OAUTH_AUDIENCE: optional.pipe(z.string().default('scim-proxy')),
});

/** Client secrets shorter than this are refused: the secret is all that stands between a caller and MAS. */
export const MIN_CLIENT_SECRET_LENGTH = 32;

/** One line per wrong variable: its name, the value seen, and what to write instead. */
function describe(name: string, value: string | undefined): string {
  const seen = JSON.stringify(value ?? '');
  const setting: NumberSetting | undefined = Object.hasOwn(NUMBERS, name) ? NUMBERS[name as NumberName] : undefined;
  if (setting) {
    const why = setting.why ? ` (${setting.why})` : '';
    const wrong = Number.isInteger(Number(value?.trim())) ? `is out of range${why}` : 'is not a whole number';
    return `${name}=${seen} ${wrong}; set a whole number from ${setting.min} to ${setting.max}, or leave it unset for ${setting.fallback}`;
  }
  const options = Object.hasOwn(CHOICES, name) ? CHOICES[name] : undefined;
  if (options)
    return `${name}=${seen} is not one of ${options.values.join(', ')}; leave it unset for ${options.fallback}`;
  if ((FLAGS as readonly string[]).includes(name))
    return `${name}=${seen} is not a yes/no value; set true or false (also 1/0, yes/no)`;
  if (name === 'OAUTH_CLIENT_ID')
    return `${name}=${seen} is not a client id; use printable ASCII without spaces or colons (at most 200 characters)`;
  if (name === 'MAS_JWT_EXPIRY')
    return `${name}=${seen} is not an ISO 8601 duration; write one such as PT12H or P1D (MAS from 9.0.18 also takes NEVER)`;
  return `${name}=${seen} is not valid`;
}

/** MAS_URL is the API's origin only: a path would be silently dropped, so it is refused with what to write. */
export function masUrlProblem(raw: string): string | undefined {
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol))
    return `MAS_URL=${JSON.stringify(raw)} is not an http(s) URL; write MAS's API address, such as https://api.inst1.apps.example.com`;
  const url = new URL(raw);
  if (url.username || url.password)
    return 'MAS_URL carries a user name or password; remove them and set MAS_API_KEY_ID and MAS_API_KEY instead';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    const profile = /^\/scim\/v2\/([^/]+)/.exec(url.pathname)?.[1];
    const hint = profile
      ? `; the profile id "${decodeURIComponent(profile)}" belongs in Entra's Tenant URL (https://<proxy>/scim/v2/${profile}), not here`
      : '';
    return `MAS_URL=${JSON.stringify(raw)} has a path, query or fragment, which the proxy does not use; write only ${url.origin}${hint}`;
  }
  return undefined;
}

const SECRETS = ['SCIM_TOKEN', 'MAS_TOKEN', 'MAS_API_KEY'] as const;
type ReadFile = (file: string) => string;

/** SCIM_TOKEN's comma-separated list: two tokens overlap while Entra moves from one to the other. */
export function scimTokenList(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

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

const fileOf = (env: NodeJS.ProcessEnv, name: string): string | undefined => env[`${name}_FILE`]?.trim() || undefined;

export function loadConfig(
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = (f) => readFileSync(f, 'utf8'),
): Readonly<Config> {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
    for (const name of names) problems.push(describe(name, env[name]));
  }
  const masUrl = env.MAS_URL?.trim();
  const masUrlWrong = masUrl ? masUrlProblem(masUrl) : undefined;
  if (masUrlWrong) problems.push(masUrlWrong);
  problems.push(...portClashes(env), ...timeBudget(env));
  const [scimToken, masToken, masApiKey] = SECRETS.map((name) => secret(env, name, readFile, problems));
  const scimTokens = scimTokenList(scimToken ?? '');
  const auditHashSalt = secret(env, 'AUDIT_HASH_SALT', readFile, problems);
  const servedProfiles = profileList(env.MAS_PROFILES, problems);
  const masApiKeyId = env.MAS_API_KEY_ID?.trim() || undefined;
  if (Boolean(masApiKeyId) !== Boolean(masApiKey)) {
    problems.push('MAS_API_KEY_ID and MAS_API_KEY (or MAS_API_KEY_FILE) go together; set both or neither');
  }
  // Node only warns about a missing NODE_EXTRA_CA_CERTS and starts without the CA: the proxy would
  // turn Ready and fail every MAS call with a TLS error. Stop at start instead.
  const extraCa = env.NODE_EXTRA_CA_CERTS?.trim();
  if (extraCa) {
    try {
      if (!readFile(extraCa).includes('-----BEGIN CERTIFICATE-----')) {
        problems.push(`NODE_EXTRA_CA_CERTS: ${extraCa} holds no PEM certificate; mount the CA bundle there`);
      }
    } catch (error) {
      problems.push(
        `NODE_EXTRA_CA_CERTS: cannot read ${extraCa} (${(error as NodeJS.ErrnoException).code ?? 'error'}); mount the CA bundle's ConfigMap key there (mas.ca.configMapName and mas.ca.key)`,
      );
    }
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
    servedProfiles: Object.freeze(servedProfiles),
    demo: Object.freeze({ masPort: e.DEMO_MAS_PORT, masApiKey: env.DEMO_MAS_API_KEY?.trim() || undefined }),
    scimTokens: Object.freeze(scimTokens),
    masToken,
    masApiKeyId,
    masApiKey,
    secretFiles: Object.freeze({
      scimToken: fileOf(env, 'SCIM_TOKEN'),
      masApiKey: fileOf(env, 'MAS_API_KEY'),
      masToken: fileOf(env, 'MAS_TOKEN'),
    }),
    secretsReloadIntervalMs: e.SECRETS_RELOAD_INTERVAL_MS,
    rulesDir: e.RULES_DIR,
    groupMapFile: e.GROUP_MAP_FILE,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    maxConnections: e.MAX_CONNECTIONS,
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

// A profile id is one path segment of the Tenant URL: nothing that would need escaping or split it.
const PROFILE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function profileList(raw: string | undefined, problems: string[]): string[] {
  const ids = (raw ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const wrong = ids.filter((id) => !PROFILE_ID.test(id));
  if (wrong.length > 0)
    problems.push(
      `MAS_PROFILES=${JSON.stringify(raw)} holds ${wrong.map((id) => JSON.stringify(id)).join(', ')}, not a profile id; write the ids of the Tenant URLs (/scim/v2/<id>), separated by commas, e.g. MasProfile1,MasProfile2`,
    );
  return [...new Set(ids)];
}

const numberOf = (env: NodeJS.ProcessEnv, name: string): number | undefined => {
  const raw = env[name]?.trim();
  const setting = NUMBERS[name as NumberName];
  const value = raw ? Number(raw) : setting.fallback;
  return Number.isInteger(value) && value >= setting.min && value <= setting.max ? value : undefined;
};

/** Two listeners on one port: the second would fail at start with EADDRINUSE. */
function portClashes(env: NodeJS.ProcessEnv): string[] {
  const names = [
    'PORT',
    'METRICS_PORT',
    ...(env.TLS_CERT_FILE?.trim() ? ['TLS_PORT'] : []),
    ...(env.MAS_URL?.trim() ? [] : ['DEMO_MAS_PORT']),
  ];
  const problems: string[] = [];
  names.forEach((name, i) => {
    const port = numberOf(env, name);
    const other = names.slice(0, i).find((earlier) => port !== 0 && numberOf(env, earlier) === port);
    if (other) problems.push(`${name}=${port} is also ${other}'s port; give each listener its own port`);
  });
  return problems;
}

/** A request may wait for a MAS slot and then for MAS: both together must end before Entra gives up. */
function timeBudget(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const upstream = numberOf(env, 'UPSTREAM_TIMEOUT_MS');
  const queue = numberOf(env, 'MAS_QUEUE_TIMEOUT_MS');
  if (upstream !== undefined && queue !== undefined && upstream + queue >= ENTRA_TIMEOUT_MS) {
    problems.push(
      `MAS_QUEUE_TIMEOUT_MS=${queue} plus UPSTREAM_TIMEOUT_MS=${upstream} is ${upstream + queue} ms, past Entra's 60 s: Entra would give up (and retry) before the proxy answers; lower them so their sum stays under 60000`,
    );
  }
  const headers = numberOf(env, 'HEADERS_TIMEOUT_MS');
  const request = numberOf(env, 'REQUEST_TIMEOUT_MS');
  if (headers !== undefined && request !== undefined && headers > request) {
    problems.push(
      `HEADERS_TIMEOUT_MS=${headers} is longer than REQUEST_TIMEOUT_MS=${request}; the headers are part of the request: lower HEADERS_TIMEOUT_MS`,
    );
  }
  return problems;
}
