// The shape of a rule file. One schema serves three uses: validating files at start, `rules check`,
// and the JSON Schema that editors use for rules/*.yaml (npm run rules:schema).
import { z } from 'zod';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const exampleRequest = z
  .object({
    method: z.enum(METHODS),
    path: z.string().startsWith('/scim/v2/', { message: 'must be a SCIM path such as /scim/v2/<profileId>/Users' }),
    query: z.record(z.string(), z.string()).default({}),
    body: z.unknown().optional(),
    /** Response rules: the request Entra sent, which the response answers. */
    request: z
      .object({ query: z.record(z.string(), z.string()).default({}), body: z.unknown().optional() })
      .strict()
      .optional(),
  })
  .strict();

const exampleResult = z.union([
  z.object({ query: z.record(z.string(), z.string()).optional(), body: z.unknown().optional() }).strict(),
  z.object({ answer: z.number().int().min(200).max(599) }).strict(),
  z.object({ refuse: z.number().int().min(400).max(499) }).strict(),
]);

export const exampleSchema = z
  .object({
    name: z.string().min(1),
    options: z
      .object({
        allowRemoveAllMembers: z.boolean().default(false),
        groupNames: z.record(z.string(), z.string()).default({}),
        groupNameDerivation: z.enum(['none', 'upper-snake']).default('none'),
      })
      .strict()
      .optional(),
    before: exampleRequest,
    after: exampleResult,
  })
  .strict();

export const ruleFileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'use lower-case letters, digits and dashes' }),
    summary: z.string().min(1).describe('One line: the Entra behaviour this rule corrects.'),
    direction: z.enum(['request', 'response']).default('request'),
    methods: z.array(z.enum(METHODS)).min(1),
    resources: z.array(z.string().min(1)).min(1).optional().describe('Users, Groups, ...; all when absent.'),
    select: z
      .string()
      .regex(/^\$\.(query|body)\b/, { message: 'must start with $.query or $.body (e.g. $.body.Operations[*])' })
      .describe('A jsonpath-plus path into {query, body}; evaluated safely, never built from request data.'),
    action: z.string().min(1).describe('The name of an action in the library (scim-proxy rules actions).'),
    params: z.record(z.string(), z.unknown()).default({}),
    examples: z.array(exampleSchema).min(1, { message: 'every rule needs at least one example' }),
  })
  .strict();

export type RuleFile = z.infer<typeof ruleFileSchema>;
export type Example = z.infer<typeof exampleSchema>;
