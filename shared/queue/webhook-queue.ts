/**
 * The cloud's webhook delivery queue (docs/webhooks.md, "How it runs"): one message per due
 * delivery, naming it and nothing else (no payload, no secret). Only the cloud stack sets the
 * queue's URL; nothing here knows where it runs.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookQueueMessage } from '../domain/webhooks';
import { AWS_CLIENT_OPTIONS } from '../runtime/aws';

export const sqsClient = new SQSClient(AWS_CLIENT_OPTIONS);

/** Hands one due delivery to the sender, at once. */
export async function sendWebhookMessage(queueUrl: string, message: WebhookQueueMessage): Promise<void> {
  await sqsClient.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
}
