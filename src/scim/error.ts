// The one error type of scim-proxy. Every failure, wherever it happens, leaves the proxy as a SCIM
// error body (RFC 7644 §3.12) built from this, so Entra and administrators always get the same shape.

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12 scimType values scim-proxy uses. */
export type ScimType =
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'invalidValue'
  | 'noTarget'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'sensitive';

export interface ScimErrorOptions {
  /** Stable, machine-readable code (for logs, audit and tests); never shown as the only explanation. */
  code: string;
  scimType?: ScimType;
  cause?: unknown;
  headers?: Record<string, string>;
}

export class ScimError extends Error {
  override name = 'ScimError';
  readonly status: number;
  readonly code: string;
  readonly scimType: ScimType | undefined;
  readonly headers: Record<string, string>;

  /** `message` says what failed and how to fix it: it is what Entra's provisioning log shows. */
  constructor(status: number, message: string, options: ScimErrorOptions) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = options.code;
    this.scimType = options.scimType;
    this.headers = options.headers ?? {};
  }

  toBody(): ScimErrorBody {
    return scimErrorBody(this.status, this.message, this.scimType);
  }
}

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function scimErrorBody(status: number, detail: string, scimType?: ScimType): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail };
  if (scimType) body.scimType = scimType;
  return body;
}

/** Turns anything thrown into a ScimError, so nothing escapes as an HTML page or a stack trace. */
export function toScimError(error: unknown): ScimError {
  if (error instanceof ScimError) return error;
  return new ScimError(500, 'scim-proxy failed while handling this request; see its log for the cause.', {
    code: 'internal',
    cause: error,
  });
}
