/**
 * Where the boot script writes the files that hold secrets, and where the agent configuration
 * looks for them. One definition for both sides: the agent configuration names these paths, and
 * the user data passes them to the boot script.
 */

/** The CA bundle the agent trusts (`tls.ca_file`). */
export const TLS_CA_FILE = '/etc/nomad.d/tls/ca.pem';
/** The node role's certificate (`tls.cert_file`). */
export const TLS_CERT_FILE = '/etc/nomad.d/tls/agent.pem';
/** The node role's private key (`tls.key_file`): root-owned, readable by the agent's group only. */
export const TLS_KEY_FILE = '/etc/nomad.d/tls/agent-key.pem';
/** Servers only: `server { encrypt = "..." }`, merged by Nomad with nomad.hcl. */
export const GOSSIP_CONFIG_FILE = '/etc/nomad.d/gossip.hcl';
/** The local agent's API, as the boot script, the CloudWatch agent and operators on the instance reach it. */
export const LOCAL_NOMAD_ADDR = 'https://127.0.0.1:4646';
