/**
 * Runs a probe beside this process's next DynamoDB call of one kind: before it is sent, or after it
 * was answered and before its caller hears the answer. For what a process must not remember from a
 * read or a write that another of its own calls overlapped.
 */
import { documentClient } from '../../shared/store/client';

/**
 * Arms the probe for the next `commandName` (e.g. 'QueryCommand', 'GetItemCommand'), or the next
 * whose key's sort key starts with `skPrefix`; answers the disarm.
 */
export function besideNext(commandName: string, when: 'before' | 'after', probe: () => Promise<unknown>, skPrefix = ''): () => void {
  const name = 'probeBeside';
  let probed = false;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const sk = (args.input as { Key?: { sk?: { S?: string } } }).Key?.sk?.S ?? '';
      const mine = !probed && context.commandName === commandName && sk.startsWith(skPrefix);
      if (mine) probed = true;
      if (mine && when === 'before') await probe();
      const answer = await next(args);
      if (mine && when === 'after') await probe();
      return answer;
    },
    { step: 'initialize', name },
  );
  return () => documentClient.middlewareStack.remove(name);
}
