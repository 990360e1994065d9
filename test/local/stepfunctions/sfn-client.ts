import { SFNClient } from '@aws-sdk/client-sfn';

/** The real SDK client, pointed at a local endpoint with dummy credentials. */
export const sfnClient = (endpoint: string): SFNClient =>
  new SFNClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
