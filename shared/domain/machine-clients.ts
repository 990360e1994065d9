/**
 * The local sign-in of a machine client (CONTRACT.md section 12): `POST /auth/client-token`. Its
 * schemas are here, beside the API's others, so the OpenAPI document can describe the route.
 */
import { z } from 'zod';

export const clientCredentialsSchema = z.object({
  clientId: z.string().min(1).max(128),
  clientSecret: z.string().min(1).max(512),
});

export const clientTokenAnswerSchema = z.object({ token: z.string() });
