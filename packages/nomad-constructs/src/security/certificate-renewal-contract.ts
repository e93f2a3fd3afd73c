import * as z from 'zod/mini';
import { nonEmptyString, positiveInteger } from '../provider/cfn-schema';

/**
 * The contract between `NomadCertificateRenewal` and its function: the schedule's input (the
 * EventBridge rule's input), which the construct builds with `satisfies CertificateRenewalInput`
 * and the handler parses.
 */
export const CertificateRenewalInput = z.object({
  caSecretArn: nonEmptyString(),
  caCertificateSecretArn: nonEmptyString(),
  serverTlsSecretArn: nonEmptyString(),
  clientTlsSecretArn: nonEmptyString(),
  nomadRegion: nonEmptyString(),
  /** How long a new certificate is valid. */
  certificateValidityDays: positiveInteger(),
  /** A certificate with fewer days left is renewed. */
  renewBeforeDays: positiveInteger(),
});
export type CertificateRenewalInput = z.infer<typeof CertificateRenewalInput>;
