// What the proxy presents to MAS. A static MAS_TOKEN, or nothing (the caller's Authorization passes
// through); the API-key exchange implements the same interface with renewal.

export interface Credentials {
  /** The Authorization header for MAS, or undefined to pass the caller's own through. */
  authorization(): Promise<string | undefined>;
  /** Whether a 401 from MAS is worth one retry with renewed credentials. */
  renewable: boolean;
  /** Called when MAS answered 401 to `used`: makes the next authorization() a fresh one. */
  renewAfterRejection(used: string | undefined): Promise<void>;
}

/** A fixed MAS token; a function when it is re-read from MAS_TOKEN_FILE on rotation. */
export function staticToken(token: string | (() => string)): Credentials {
  const current = typeof token === 'string' ? () => token : token;
  return { authorization: async () => `Bearer ${current()}`, renewable: false, renewAfterRejection: async () => {} };
}

export const passThrough: Credentials = {
  authorization: async () => undefined,
  renewable: false,
  renewAfterRejection: async () => {},
};
