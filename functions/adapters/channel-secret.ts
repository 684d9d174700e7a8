import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/**
 * A channel's shared secret (gateway signing secret, Twilio auth token): from Secrets Manager in
 * the cloud, read once per cold start, or from a variable in the local stack.
 */
export async function loadChannelSecret(names: { arnVariable: string; localVariable: string }, environment: NodeJS.ProcessEnv = process.env): Promise<string> {
  const arn = environment[names.arnVariable];
  if (arn) {
    const secret = await getSecret(arn, { maxAge: 3600 });
    if (typeof secret !== 'string' || secret.length === 0) throw new Error(`The secret in ${names.arnVariable} is empty`);
    return secret;
  }
  const local = environment[names.localVariable];
  if (local) return local;
  throw new Error(`Set ${names.arnVariable} (cloud) or ${names.localVariable} (local stack)`);
}
