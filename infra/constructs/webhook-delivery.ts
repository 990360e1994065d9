import { Duration, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './delivery-events';

/**
 * The sender's timeout: a batch's deliveries are posted at once, each waits at most 10 s for its
 * endpoint (shared/services/webhooks.ts), and a handful of single-item writes follow.
 */
export const WEBHOOK_SENDER_TIMEOUT = Duration.seconds(30);

/** Receives of one message before it goes to the dead-letter queue: a few, as a fault passes in seconds. */
export const WEBHOOK_MAX_RECEIVES = 3;

/** Messages a sender invocation takes at once. */
const BATCH_SIZE = 10;

/**
 * The cloud's webhook pipeline (docs/webhooks.md): the table lists the deliveries due, producers
 * (a notice's follow-up, and the scheduled sweep for retries and lost messages) hand each to an
 * encrypted, TLS-only queue, and the sender posts them. A message the sender fails to handle
 * `WEBHOOK_MAX_RECEIVES` times goes to the dead-letter queue, which the monitoring alarms on; the
 * delivery itself stays in the table and is queued again by the sweep once its lease ends
 * (WEBHOOK_QUEUE_LEASE_MS, longer than those receives take).
 */
export class WebhookDelivery extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(this, 'DeadLetters', 'the webhook delivery queue');
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for a Lambda event source: six times the function's timeout, so that a message
      // is not received again while an invocation still works on it.
      visibilityTimeout: Duration.seconds(6 * WEBHOOK_SENDER_TIMEOUT.toSeconds()),
      // A message left this long was queued again by the sweep long before.
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: WEBHOOK_MAX_RECEIVES },
    });
  }

  /**
   * A producer may send to the queue, and nothing else (not even the queue's attributes, which
   * `grantSendMessages` adds: it sends by the URL given in WEBHOOK_QUEUE_URL, and the queue's
   * SQS-managed key needs no KMS grant).
   */
  addProducer(fn: LambdaFunction): void {
    Grant.addToPrincipal({ grantee: fn, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
    fn.addEnvironment('WEBHOOK_QUEUE_URL', this.queue.queueUrl);
  }

  /**
   * The sender consumes the queue (the event source grants receive, delete and visibility rights,
   * nothing to send) and reports failed messages one by one, so a failure does not bring its batch
   * neighbours, already posted, back.
   */
  attachSender(fn: LambdaFunction): void {
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: BATCH_SIZE, reportBatchItemFailures: true }));
    const reason = `SQS invokes the webhook sender through an event source mapping, synchronously; a message it fails to handle ${WEBHOOK_MAX_RECEIVES} times goes to the queue's own dead-letter queue (an on-failure destination exists only for stream sources).`;
    Validations.of(fn).acknowledge(
      { id: 'Serverless-LambdaDLQ', reason },
      { id: 'Serverless-LambdaEventSourceMappingDestination', reason },
    );
  }
}
