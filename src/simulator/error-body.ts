/**
 * The error bodies the simulator answers with. SCIM calls get RFC 7644 §3.12 errors (MAS's exact
 * shape is unknown: mas.md §4.2); paths MAS does not serve get the core API's
 * `{"exception": …}` shape seen in a fixture modelled on MAS.
 */
import type { Response } from 'express';

export const scimErrorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function sendScimError(res: Response, status: number, detail: string, scimType?: string): void {
  res
    .status(status)
    .type('application/scim+json')
    .send(
      JSON.stringify({
        schemas: [scimErrorSchema],
        status: String(status),
        ...(scimType ? { scimType } : {}),
        detail,
      }),
    );
}

export function sendUnknownPath(res: Response): void {
  res.status(404).json({ exception: { id: 'AIUCO1022E', message: 'The requested URL could not be found' } });
}
