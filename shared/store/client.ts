import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWS_CLIENT_OPTIONS } from '../runtime/aws';

/**
 * One DocumentClient per process. Locally the SDK reads AWS_ENDPOINT_URL_DYNAMODB, so the same
 * code talks to dynalite; nothing here knows where it runs.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient(AWS_CLIENT_OPTIONS), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
