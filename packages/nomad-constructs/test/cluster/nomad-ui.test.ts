import { Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadError, type NomadUiOptions } from '../../src';
import { cfnText, ingressRules, newStack } from '../helpers';

// An internet-facing UI on a domain with a DNS-validated certificate, synthesized once.
const stack = newStack();
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789',
  zoneName: 'example.com',
});
const cluster = new NomadCluster(stack, 'Cluster', {
  ui: {
    internetFacing: true,
    domainName: 'nomad.example.com',
    hostedZone: zone,
    allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'],
  },
});
const template = Template.fromStack(stack);
const ui = cluster.ui;
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);

function throws(options: (stack: Stack) => NomadUiOptions): NomadError {
  const s = newStack();
  try {
    new NomadCluster(s, 'Cluster', { ui: options(s) });
  } catch (error) {
    expect(error).toBeInstanceOf(NomadError);
    return error as NomadError;
  }
  throw new Error('expected a NomadError');
}

describe('NomadUi', () => {
  it('is an internet-facing ALB that drops invalid headers and keeps idle connections an hour (blocking queries, alloc exec)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '3600' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
  });

  it('serves HTTPS with TLS 1.2+ and the DNS-validated certificate, and redirects HTTP to HTTPS', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'nomad.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'nomad.example.com', HostedZoneId: 'Z0123456789' }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { Ref: id(ui?.certificate as acm.Certificate) } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' } },
      ],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
  });

  it('re-encrypts to the servers: HTTPS to port 4646, health check /v1/agent/health over HTTPS', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 4646,
      Protocol: 'HTTPS',
      HealthCheckProtocol: 'HTTPS',
      HealthCheckPath: '/v1/agent/health',
      Matcher: { HttpCode: '200' },
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      TargetGroupARNs: [{ Ref: stack.getLogicalId(ui?.targetGroup.node.defaultChild as elbv2.CfnTargetGroup) }],
    });
  });

  it('accepts only the allowed networks, and reaches the servers on 4646 only', () => {
    const lb = id(ui?.connections.securityGroups[0] as ec2.SecurityGroup);
    const servers = id(cluster.servers.securityGroup as ec2.SecurityGroup);
    const rules = ingressRules(template);
    expect(rules.filter((rule) => rule.startsWith(lb))).toEqual(
      [
        `${lb} tcp 443-443 from 203.0.113.0/24`,
        `${lb} tcp 80-80 from 203.0.113.0/24`,
        `${lb} tcp 443-443 from 2001:db8::/32`,
        `${lb} tcp 80-80 from 2001:db8::/32`,
      ].sort(),
    );
    expect(rules.filter((rule) => rule.includes(`from ${lb}`))).toEqual([`${servers} tcp 4646-4646 from ${lb}`]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((rule) => rule.Properties)
      .filter((rule) => cfnText(rule.GroupId) === `\${${lb}.GroupId}`);
    expect(egress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 4646, ToPort: 4646 })]);
    // No allow-all egress on the load balancer: its only way out is the rule above.
    expect(template.findResources('AWS::EC2::SecurityGroup')[lb]?.Properties.SecurityGroupEgress).toBeUndefined();
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('anyone can reach'));
  });

  it('points the domain at the load balancer and outputs the UI URL and NOMAD_ADDR', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'nomad.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789',
    });
    const outputs = Object.entries(template.toJSON().Outputs as Record<string, { Value: unknown }>);
    const output = (name: string) => cfnText(outputs.find(([key]) => key.startsWith(`Cluster${name}`))?.[1].Value);
    expect(output('UiUrl')).toBe('https://nomad.example.com/ui/');
    expect(output('NomadAddr')).toBe('https://nomad.example.com');
    expect(output('CliEnvironment')).toBe(
      `eval "$(npx -p @org/nomad-constructs -p @aws-sdk/client-cloudformation -p @aws-sdk/client-secrets-manager nomad-constructs env --stack \${AWS::StackName} --cluster ${cluster.clusterName})"`,
    );
    expect(cluster.apiUrl).toBe('https://nomad.example.com');
  });

  it('is internal and open to the VPC by default, with a given certificate', () => {
    const s = newStack();
    const c = new NomadCluster(s, 'Cluster', {
      ui: {
        certificate: acm.Certificate.fromCertificateArn(
          s,
          'Cert',
          'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        ),
        idleTimeout: Duration.minutes(20),
      },
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '1200' }]),
    });
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    const lb = s.getLogicalId(c.ui?.connections.securityGroups[0]?.node.defaultChild as ec2.CfnSecurityGroup);
    expect(ingressRules(t).filter((rule) => rule.startsWith(lb))).toEqual([
      `${lb} tcp 443-443 from \${${s.getLogicalId(c.vpc.node.defaultChild as ec2.CfnVPC)}.CidrBlock}`,
      `${lb} tcp 80-80 from \${${s.getLogicalId(c.vpc.node.defaultChild as ec2.CfnVPC)}.CidrBlock}`,
    ]);
  });

  it('warns, and still opens, when the whole internet is listed explicitly', () => {
    const s = newStack();
    new NomadCluster(s, 'Cluster', {
      ui: {
        internetFacing: true,
        allowedCidrs: ['0.0.0.0/0'],
        certificate: acm.Certificate.fromCertificateArn(
          s,
          'Cert',
          'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        ),
      },
    });
    Annotations.fromStack(s).hasWarning(
      '/Test/Cluster/Ui',
      Match.stringLikeRegexp('accept connections from 0.0.0.0/0: anyone can reach them'),
    );
  });

  it('throws for an internet-facing UI without allowed networks', () => {
    expect(
      throws((s) => ({
        internetFacing: true,
        certificate: acm.Certificate.fromCertificateArn(
          s,
          'Cert',
          'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
        ),
      })).message,
    ).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster/Ui.allowedCidrs: expected the networks that may reach an internet-facing UI, received none. List them (e.g. your office or VPN range); list "0.0.0.0/0" only if the API must really be open to everyone."`,
    );
  });

  it('throws without a certificate or a domain to create one for', () => {
    expect(throws(() => ({})).message).toMatchInlineSnapshot(
      `"Invalid prop at Test/Cluster/Ui.certificate: expected a certificate, or a domainName and its hostedZone to create one, received neither. The UI is served over HTTPS only."`,
    );
    expect(throws(() => ({ domainName: 'nomad.example.com' })).path).toBe('Test/Cluster/Ui.certificate');
    expect(
      throws((s) => ({
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(s, 'Z', {
          hostedZoneId: 'Z1',
          zoneName: 'example.com',
        }),
      })).path,
    ).toBe('Test/Cluster/Ui.hostedZone');
  });

  it('throws for malformed CIDRs, an empty list and an idle timeout the ALB does not accept', () => {
    const certificate = (s: Stack) =>
      acm.Certificate.fromCertificateArn(s, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
    expect(throws((s) => ({ certificate: certificate(s), allowedCidrs: ['10.0.0.0/33'] })).message).toContain(
      'expected IPv4 or IPv6 CIDRs such as "203.0.113.0/24", received "10.0.0.0/33"',
    );
    expect(throws((s) => ({ certificate: certificate(s), allowedCidrs: [] })).message).toContain('received []');
    expect(throws((s) => ({ certificate: certificate(s), idleTimeout: Duration.hours(2) })).message).toContain(
      'expected 1 to 4000 seconds (the ALB limits), received 7200 seconds.',
    );
  });
});
