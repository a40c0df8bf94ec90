/**
 * Simulator options: every MAS behaviour layered over scimmy can be switched off, so a test can
 * show the same request with and without the quirk. Defaults reproduce MAS as far as it is known.
 */
import { type KeyObject, randomInt } from 'node:crypto';
import { defaultSigningKey } from './jwt.ts';
import type { Profile } from './profile.ts';

export interface SimulatorOptions {
  /** SCIM and Profiles calls need a valid JWT or static token; false lets anything through. */
  requireAuth?: boolean;
  /** API keys accepted by `GET /v1/authenticate`: key id → key token. */
  apiKeys?: Readonly<Record<string, string>>;
  /** Tokens accepted as they are (a fixed MAS_TOKEN for tests and the demo). */
  staticTokens?: readonly string[];
  /** RSA private key its JWTs are signed with (RS256, as MAS signs); one generated per process when absent. */
  signingKey?: KeyObject;
  /** JWT lifetime when no `mas-jwt-expiry-duration` header is sent (MAS's own default is unknown). */
  defaultTokenTtlSeconds?: number;
  /** The clock, in milliseconds since the epoch; inject one to test expiry without waiting. */
  now?: () => number;
  /** A PATCH `remove` on `members` without a filter empties the group whatever `value` lists. */
  wipeOnUnfilteredMemberRemove?: boolean;
  /** PATCH `op` is matched without regard to case (`Remove` works); false answers 400 instead. */
  caseInsensitiveOps?: boolean;
  /**
   * `attributes` and `excludedAttributes` shape the answer (RFC 7644 §3.4.2.5). Whether MAS honours
   * them is unknown; false answers as if they were not sent, to show what the proxy does then.
   */
  honourAttributeParameters?: boolean;
  /**
   * `userName eq` and `displayName eq` compare as written, as scimmy reads them. RFC 7643 makes both
   * names not case-exact (Microsoft's SCIM Validator checks it); MAS's reading is unknown.
   */
  caseExactNames?: boolean;
  /** New group ids get `_` and six random lower-case letters unless the profile opts out. */
  randomGroupIdSuffix?: boolean;
  /** A profile PUT applies only when `version` increases; otherwise the stored profile is answered. */
  profileVersionGate?: boolean;
  /** Users and groups may be written under a profile id that does not exist (seen on MAS 9.1). */
  acceptUnknownProfile?: boolean;
  /** The six-letter group id suffix; inject one for predictable ids. */
  groupIdSuffix?: () => string;
  /** Profiles present from the start. */
  profiles?: readonly Profile[];
}

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'profiles'>> & {
  profiles: readonly Profile[];
};

/** Defaults live here and nowhere else. */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  return {
    requireAuth: true,
    apiKeys: {},
    staticTokens: [],
    signingKey: defaultSigningKey(),
    defaultTokenTtlSeconds: 3600,
    now: Date.now,
    wipeOnUnfilteredMemberRemove: true,
    caseInsensitiveOps: true,
    honourAttributeParameters: true,
    caseExactNames: false,
    randomGroupIdSuffix: true,
    profileVersionGate: true,
    acceptUnknownProfile: true,
    groupIdSuffix: randomLetters,
    profiles: [],
    ...stripUndefined(options),
  };
}

function randomLetters(): string {
  let letters = '';
  for (let i = 0; i < 6; i++) letters += String.fromCharCode(97 + randomInt(26));
  return letters;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
