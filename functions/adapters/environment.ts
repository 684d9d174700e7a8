import * as z from 'zod';
import { defaultPackId, isPackId, jurisdiction, type Jurisdiction } from '../../shared/jurisdictions/index.ts';

/**
 * Reads and checks the function's environment once, at cold start. A missing or malformed
 * variable stops the function from starting with a message naming the variable, instead of
 * failing later on a tipster's request.
 */
export function readEnvironment<Shape extends z.ZodRawShape>(shape: Shape, source: NodeJS.ProcessEnv = process.env): z.output<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}

/** Variables every tinbao function reads. */
export const commonEnvironment = {
  TABLE_NAME: z.string().min(1),
  TIP_RETENTION_DAYS: z.coerce.number().int().positive(),
  /** The map the deployment routes to (a pack id); the map in force unless the deployment chose another. */
  JURISDICTION_PACK: z
    .string()
    .default(defaultPackId)
    .refine(isPackId, { error: 'not a known jurisdiction pack' })
    .transform((id): Jurisdiction => jurisdiction(id)),
};

/** Where the key for hashing tipster secrets comes from: Secrets Manager in the cloud, a variable locally. */
export const pepperEnvironment = {
  TRACKING_PEPPER_SECRET_ARN: z.string().startsWith('arn:').optional(),
  TRACKING_PEPPER: z.string().min(16).optional(),
};
