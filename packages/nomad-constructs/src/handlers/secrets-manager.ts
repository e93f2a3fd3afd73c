import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CustomResourceError } from './custom-resource';

/**
 * The secret's current value. A secret with no value yet reads as undefined; any other failure
 * (no permission, wrong key policy) is an error that names the secret and what went wrong.
 */
export async function readSecret(client: SecretsManagerClient, secretArn: string): Promise<string | undefined> {
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return result.SecretString;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      return undefined;
    }
    throw new CustomResourceError(`cannot read the secret ${secretArn}: ${describe(error)}`);
  }
}

/** Stores a new current value, unless the secret already holds exactly this value. */
export async function writeSecret(
  client: SecretsManagerClient,
  secretArn: string,
  value: string,
  current?: string,
): Promise<boolean> {
  if (current === value) {
    return false;
  }
  try {
    await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: value }));
    return true;
  } catch (error) {
    throw new CustomResourceError(`cannot write the secret ${secretArn}: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}
