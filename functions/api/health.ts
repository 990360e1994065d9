import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** `GET /health` (public): the API answers; it checks nothing behind it, so a probe stays cheap. */
export async function handler(): Promise<APIGatewayProxyStructuredResultV2> {
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok' }) };
}
