// What the proxy presents to MAS. A static MAS_TOKEN, or nothing (the caller's Authorization passes
// through); the API-key exchange implements the same interface with renewal.

export interface Credentials {
  /** The Authorization header for MAS, or undefined to pass the caller's own through. */
  authorization(): Promise<string | undefined>;
  /** Called when MAS answered 401 with `used`; true when a retry with fresh credentials makes sense. */
  renewAfterRejection(used: string | undefined): Promise<boolean>;
}

export function staticToken(token: string): Credentials {
  const header = `Bearer ${token}`;
  return {
    authorization: async () => header,
    renewAfterRejection: async () => false,
  };
}

export const passThrough: Credentials = {
  authorization: async () => undefined,
  renewAfterRejection: async () => false,
};
