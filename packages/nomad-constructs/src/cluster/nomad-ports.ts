import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The ports a Nomad cluster uses, and who may reach them. The security groups are built from this
 * matrix and nothing else (see "Network access" in the README):
 *
 * | port | protocol | on | from |
 * |---|---|---|---|
 * | 4646 HTTP API and UI | tcp | servers | the load balancer (when there is one) |
 * | 4647 RPC | tcp | servers | servers and clients |
 * | 4648 Serf gossip | tcp + udp | servers | servers |
 * | 20000-32000 dynamic task ports | tcp + udp | clients | clients, and peers you allow on a pool |
 *
 * @see https://developer.hashicorp.com/nomad/docs/install/production/requirements#ports-used
 */
export class NomadPorts {
  /** The HTTP API and UI. */
  public static readonly HTTP = 4646;
  /** RPC between clients and servers, and between servers. */
  public static readonly RPC = 4647;
  /** Serf gossip between servers (tcp and udp). */
  public static readonly SERF = 4648;
  /** The first port Nomad allocates to tasks (`min_dynamic_port`). */
  public static readonly DYNAMIC_MIN = 20_000;
  /** The last port Nomad allocates to tasks (`max_dynamic_port`). */
  public static readonly DYNAMIC_MAX = 32_000;

  /** The dynamic task port range over tcp. */
  public static dynamicTcp(): ec2.Port {
    return ec2.Port.tcpRange(NomadPorts.DYNAMIC_MIN, NomadPorts.DYNAMIC_MAX);
  }

  /** The dynamic task port range over udp. */
  public static dynamicUdp(): ec2.Port {
    return ec2.Port.udpRange(NomadPorts.DYNAMIC_MIN, NomadPorts.DYNAMIC_MAX);
  }

  private constructor() {}
}
