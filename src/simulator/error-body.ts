/**
 * The error bodies the simulator answers with. SCIM calls get RFC 7644 §3.12 errors (MAS's exact
 * shape is unknown: mas.md §4.2); paths MAS does not serve get the core API's
 * `{"exception": …}` shape seen in a fixture modelled on MAS.
 */
import type { Response } from 'express';
import { type ScimType, scimErrorBody } from '../scim/error.ts';

/** `scimType` as scimmy gives it: any string, or none. */
export function sendScimError(res: Response, status: number, detail: string, scimType?: string): void {
  res
    .status(status)
    .type('application/scim+json')
    .send(JSON.stringify(scimErrorBody(status, detail, (scimType || undefined) as ScimType | undefined)));
}

export function sendUnknownPath(res: Response): void {
  res.status(404).json({ exception: { id: 'AIUCO1022E', message: 'The requested URL could not be found' } });
}
