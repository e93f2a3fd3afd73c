import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NomadError } from '../errors';
import { INSTANCE_NAMESPACE } from '../observability/nomad-metrics';
import type { NomadMonitoring } from '../observability/nomad-monitoring';
import type { CertificateRenewalInput } from './certificate-renewal-contract';
import { HandlerFunction } from './handler-function';
import { grantSecretRead, grantSecretWrite, type NomadClusterSecrets } from './nomad-cluster-secrets';

/** The metric every node publishes hourly: days until its installed TLS certificate expires. */
export const TLS_DAYS_LEFT_METRIC = 'TlsCertificateDaysLeft';

/** Props of {@link NomadCertificateRenewal}; {@link NomadCluster} creates it. */
export interface NomadCertificateRenewalProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly clusterName: string;
  readonly nomadRegion: string;
  readonly secrets: NomadClusterSecrets;
  readonly certificateValidity: Duration;
  /** Certificates with less time left are renewed. */
  readonly renewBefore: Duration;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Keeps the nodes' certificates from expiring: a function runs every day and renews the server and
 * client certificates in their secrets once they have less than `renewBefore` left, under the same
 * CA, so the old and the new certificate are both valid during the overlap. Nodes read their secret
 * every hour (`nomad-tls-refresh.timer`), install a new certificate once it verifies against the CA,
 * and reload Nomad (SIGHUP: Nomad reloads its TLS configuration without restarting); each node
 * publishes the days its installed certificate has left ({@link metricDaysLeft}), which the
 * cluster's `CertificateExpiry` alarm watches.
 */
export class NomadCertificateRenewal extends Construct {
  /** The renewal function. */
  public readonly handler: HandlerFunction;
  /** The daily schedule. */
  public readonly schedule: events.Rule;
  /** Certificates with less time left are renewed. */
  public readonly renewBefore: Duration;
  private readonly clusterName: string;

  public constructor(scope: Construct, id: string, props: NomadCertificateRenewalProps) {
    super(scope, id);
    this.clusterName = props.clusterName;
    this.renewBefore = props.renewBefore;
    const { secrets } = props;
    this.handler = new HandlerFunction(this, 'Function', {
      handler: 'certificate-renewal',
      description: `Nomad cluster ${props.clusterName}: renews the node certificates before they expire`,
      vpc: props.vpc,
      subnets: props.subnets,
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
      encryptionKey: secrets.encryptionKey,
    });
    const role = this.handler.role;
    grantSecretRead(secrets.certificateAuthority, secrets.encryptionKey, role);
    for (const secret of [secrets.serverTls, secrets.clientTls, secrets.caCertificate]) {
      grantSecretRead(secret, secrets.encryptionKey, role);
      grantSecretWrite(secret, secrets.encryptionKey, role);
    }
    const input = {
      caSecretArn: secrets.certificateAuthority.secretArn,
      caCertificateSecretArn: secrets.caCertificate.secretArn,
      serverTlsSecretArn: secrets.serverTls.secretArn,
      clientTlsSecretArn: secrets.clientTls.secretArn,
      nomadRegion: props.nomadRegion,
      certificateValidityDays: props.certificateValidity.toDays(),
      renewBeforeDays: props.renewBefore.toDays(),
    } satisfies CertificateRenewalInput;
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Nomad cluster ${props.clusterName}: renews the node certificates with less than ${props.renewBefore.toDays()} days left`,
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [
        new targets.LambdaFunction(this.handler.function, {
          event: events.RuleTargetInput.fromObject(input),
          retryAttempts: 2,
        }),
      ],
    });
    // The first run finds the certificates the deploy issued.
    this.schedule.node.addDependency(secrets.keyMaterial);
  }

  /**
   * Adds the `CertificateExpiry` alarm to the monitoring: the certificate a node has installed has
   * fewer days left than it should have two days after its renewal was due (missing data, before
   * the nodes report, does not count).
   */
  public addExpiryAlarm(monitoring: NomadMonitoring): cloudwatch.Alarm {
    const threshold = Math.max(1, this.renewBefore.toDays() - 2);
    return monitoring.addAlarm('CertificateExpiry', {
      metric: this.metricDaysLeft(),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      summary: `A node's installed TLS certificate has had fewer than ${threshold} days left for 3 hours: its renewal is late`,
      runbook:
        'Read the certificate-renewal function\'s log (a CA that cannot sign any more fails it: see "Rotating the CA") and, on the node, `journalctl -u nomad-tls-refresh` (a secret it cannot read, a certificate it refused). `systemctl start nomad-tls-refresh` installs the current certificate and reloads Nomad; a node that cannot is replaced by terminating it.',
    });
  }

  /** The fewest days any node's installed certificate has left (each node reports hourly). */
  public metricDaysLeft(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: INSTANCE_NAMESPACE,
      metricName: TLS_DAYS_LEFT_METRIC,
      dimensionsMap: { NomadCluster: this.clusterName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.hours(1),
      ...props,
    });
  }
}

/**
 * When certificates are renewed: `renewBefore` (at least a day, less than the validity), by default
 * 30 days or a third of the validity, whichever is shorter.
 *
 * @internal
 */
export function renewBeforeOf(validity: Duration, renewBefore: Duration | undefined, path: string): Duration {
  const days = renewBefore?.toDays({ integral: false }) ?? Math.max(1, Math.min(30, Math.floor(validity.toDays() / 3)));
  if (Token.isUnresolved(days) || !Number.isInteger(days) || days < 1 || days >= validity.toDays()) {
    throw new NomadError(
      'invalid-prop',
      path,
      `expected whole days from 1 to less than certificateValidity (${validity.toDays()} days), received ${renewBefore?.toHumanString()}. Certificates are renewed when they have this much time left: use Duration.days().`,
    );
  }
  return Duration.days(days);
}
