// The environment, validated once and frozen. Every problem is listed at start, each with its fix,
// so an administrator fixes a Deployment in one pass instead of one restart per mistake.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
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
});

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
  if ((masToken || masApiKey) && scimTokens.length === 0) {
    problems.push(
      'MAS credentials are set but SCIM_TOKEN is not: any caller could act on MAS with them. Set SCIM_TOKEN (or SCIM_TOKEN_FILE) to the Secret Token you give Entra',
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
  });
}
