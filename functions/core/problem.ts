import * as z from '../shared/zod';

/** One thing wrong with an input, located by a path (`schema[0].properties[2].logicalType`, `row 12`, …). */
export const ProblemSchema = z.object({
  path: z.string(),
  message: z.string(),
});

export type Problem = z.infer<typeof ProblemSchema>;
