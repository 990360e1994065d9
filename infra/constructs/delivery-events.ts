import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The SES events recorded on the notices (CONTRACT.md section 9); opens, clicks and delays are not asked for. */
export const DELIVERY_EVENT_TYPES = [
  EmailSendingEvent.SEND,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
] as const;

/** A dead-letter queue: encrypted, TLS only, kept for SQS's longest retention. */
export function deadLetterQueue(scope: Construct, id: string, of: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const reason = `This queue is itself the dead-letter queue of ${of}; a dead-letter queue of its own would have nothing to catch.`;
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
  return queue;
}

export interface DeliveryEventsProps {
  /** The configuration set the notices are sent with. */
  readonly configurationSet: ConfigurationSet;
  /** The handler of the events (functions/events/delivery-events.ts). */
  readonly handler: IFunction;
  /** Encrypts the topic; its policy must let SES use it. */
  readonly key: IKey;
}

/**
 * What SES says became of each notice: the configuration set's event destination publishes SEND,
 * DELIVERY, BOUNCE, COMPLAINT and REJECT to an encrypted topic, whose one subscriber is the
 * delivery-events handler. A message SNS cannot hand to the handler lands in `subscriptionDeadLetters`.
 */
export class DeliveryEvents extends Construct {
  readonly topic: Topic;
  readonly subscriptionDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: DeliveryEventsProps) {
    super(scope, id);

    this.topic = new Topic(this, 'Topic', {
      displayName: 'SES delivery events of the notices',
      masterKey: props.key,
      enforceSSL: true,
    });
    // SES publishes with the topic's key: as AWS documents for event sources writing to encrypted
    // topics, the key policy must let the publishing service generate and decrypt data keys.
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SesPublishesDeliveryEvents',
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );

    // CDK's SNS destination adds the topic policy: sns:Publish for SES, from this account and this
    // configuration set only.
    props.configurationSet.addEventDestination('ToTopic', {
      destination: EventDestination.snsTopic(this.topic),
      events: [...DELIVERY_EVENT_TYPES],
    });

    this.subscriptionDeadLetters = deadLetterQueue(this, 'SubscriptionDeadLetters', 'the delivery-events subscription');
    this.topic.addSubscription(new LambdaSubscription(props.handler, { deadLetterQueue: this.subscriptionDeadLetters }));
  }
}
