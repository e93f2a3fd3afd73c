#!/bin/bash
# nomad-bootstrap: installs, configures and starts a Nomad agent on Amazon Linux 2023, waits until
# it has joined the cluster, then tells CloudFormation whether the instance is good.
#
# Usage: nomad-bootstrap <env-file>                (at boot, from the user data)
#        nomad-bootstrap refresh-tls <env-file>    (every hour: install a renewed certificate)
#        nomad-bootstrap block-task-metadata       (clients, with Docker: tasks cannot reach IMDS)
#        nomad-bootstrap publish-oidc <env-file>   (servers, every 5 minutes: the OIDC issuer's documents)
#
# The user data writes the env file (the variables read in main) and the rendered configuration
# (/etc/nomad.d/nomad.hcl, /etc/nomad-bootstrap/*) before running this script; this script holds
# the logic, the user data holds the data. Secrets never pass through the user data: the script
# reads them from Secrets Manager (the instance role may read its own role's secrets only) and
# writes them to root-owned files. Sourcing the file defines the functions and runs nothing, which
# is how the tests exercise them.
set -Eeuo pipefail

# Overridable for tests only; production instances use the defaults.
CNI_BIN_DIR="${CNI_BIN_DIR:-/opt/cni/bin}"
# The local agent's API: TLS with the cluster CA (the certificates carry 127.0.0.1).
NOMAD_ADDR="${NOMAD_ADDR:-https://127.0.0.1:4646}"

log() {
  printf '%s nomad-bootstrap: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

# fetch <url> <file>: download with retries; fails on HTTP errors.
fetch() {
  curl --fail --silent --show-error --location --retry 5 --retry-delay 3 --retry-connrefused \
    --output "$2" "$1"
}

# fetch_artifact <key> <sha256> <file>: a release file from the cluster's artifact bucket (through
# the VPC's S3 gateway endpoint, not the internet), kept only if its SHA-256 is the expected one. The
# staging resource verified it (HashiCorp's signature, the sums pinned in the code) before the
# deploy launched this instance; this check makes the bucket's content no more trusted than that.
fetch_artifact() {
  local key=$1 expected=$2 file=$3 actual
  aws s3 cp --only-show-errors --region "$AWS_REGION" "s3://$NOMAD_ARTIFACT_BUCKET/$key" "$file" ||
    die "cannot download s3://$NOMAD_ARTIFACT_BUCKET/$key (the artifact staging resource stages it at deploy time)"
  actual=$(sha256sum "$file" | awk '{ print $1 }')
  [ "$actual" = "$expected" ] || die "checksum mismatch for $(basename "$key"): expected $expected, got $actual"
}

# install_release_zip <product> <key> <sha256> <directory>: a HashiCorp release archive from the
# artifact bucket; installs the <product> binary it contains into <directory>.
install_release_zip() {
  local product=$1 key=$2 sha256=$3 directory=$4 workdir
  workdir=$(mktemp -d)
  fetch_artifact "$key" "$sha256" "$workdir/release.zip"
  unzip -q -o "$workdir/release.zip" "$product" -d "$workdir/unpacked"
  install -d -m 0755 "$directory"
  install -m 0755 "$workdir/unpacked/$product" "$directory/$product"
  rm -rf "$workdir"
  log "installed $product from $(basename "$key") into $directory"
}

# install_cni_plugins <key> <sha256>: the CNI reference plugins Nomad's bridge networking needs.
install_cni_plugins() {
  local key=$1 sha256=$2 workdir
  workdir=$(mktemp -d)
  fetch_artifact "$key" "$sha256" "$workdir/cni-plugins.tgz"
  install -d -m 0755 "$CNI_BIN_DIR"
  tar -xzf "$workdir/cni-plugins.tgz" -C "$CNI_BIN_DIR"
  rm -rf "$workdir"
  log "installed the CNI plugins from $(basename "$key") into $CNI_BIN_DIR"
}

# wait_until <seconds> <what> <command...>: runs the command every 5 seconds until it succeeds.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${seconds}s waiting for $what"
    sleep 5
  done
  log "$what: done"
}

# nomad_api <path>: a GET on the local agent's HTTP API, with the CA and, once there is one, the
# ACL token. The token goes to curl on stdin, never on its command line (which other users see).
nomad_api() {
  local args=(--fail --silent --show-error --max-time 10)
  if [ -n "${NOMAD_CACERT:-}" ]; then
    args+=(--cacert "$NOMAD_CACERT")
  fi
  if [ -n "${NOMAD_TOKEN:-}" ]; then
    curl "${args[@]}" --header @- "$NOMAD_ADDR$1" <<<"X-Nomad-Token: $NOMAD_TOKEN"
  else
    curl "${args[@]}" "$NOMAD_ADDR$1"
  fi
}

# secret_value <arn>: the current value of a Secrets Manager secret, on stdout.
secret_value() {
  aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$1" \
    --query SecretString --output text
}

# read_tls_material: the role's TLS secret on stdout, checked to hold a CA bundle, a certificate and
# a key (as JSON); fails (with the reason logged) when it cannot be read or holds none.
read_tls_material() {
  local material
  material=$(secret_value "$NOMAD_TLS_SECRET_ARN") || {
    log "cannot read the TLS material from $NOMAD_TLS_SECRET_ARN"
    return 1
  }
  jq -e '(.ca | type == "string") and (.certificate | type == "string") and (.privateKey | type == "string")' \
    <<<"$material" >/dev/null 2>&1 || {
    log "$NOMAD_TLS_SECRET_ARN holds no certificate (has the key-material custom resource run?)"
    return 1
  }
  printf '%s' "$material"
}

# write_tls_material <group> <material>: the CA bundle, certificate and private key into the files
# the agent configuration's tls block names. The key is readable by <group> (the nomad user's group
# on servers, root on clients) and nobody else.
write_tls_material() {
  local group=$1 material=$2
  install -d -m 0750 -o root -g "$group" "$(dirname "$NOMAD_TLS_CA_FILE")" "$(dirname "$NOMAD_TLS_KEY_FILE")"
  jq -j .ca <<<"$material" | install -m 0644 -o root -g root /dev/stdin "$NOMAD_TLS_CA_FILE"
  jq -j .certificate <<<"$material" | install -m 0644 -o root -g root /dev/stdin "$NOMAD_TLS_CERT_FILE"
  jq -j .privateKey <<<"$material" | install -m 0640 -o root -g "$group" /dev/stdin "$NOMAD_TLS_KEY_FILE"
}

# install_tls_material <group>: the role's TLS material, at boot.
install_tls_material() {
  local group=$1 material
  material=$(read_tls_material) || die "no TLS material to start with"
  write_tls_material "$group" "$material"
  log "installed the TLS certificate and key ($(openssl x509 -noout -subject -enddate -in "$NOMAD_TLS_CERT_FILE" | tr '\n' ' '))"
}

# check_tls_material <material>: whether a renewed certificate may replace the installed one: it
# verifies against its own CA bundle, has not expired, and belongs to the key beside it.
check_tls_material() {
  local material=$1 workdir problem=
  workdir=$(mktemp -d)
  (
    umask 077
    jq -j .ca <<<"$material" >"$workdir/ca.pem"
    jq -j .certificate <<<"$material" >"$workdir/cert.pem"
    jq -j .privateKey <<<"$material" >"$workdir/key.pem"
  )
  if ! openssl verify -CAfile "$workdir/ca.pem" "$workdir/cert.pem" >/dev/null 2>&1; then
    problem="it does not verify against its CA bundle"
  elif ! openssl x509 -noout -checkend 0 -in "$workdir/cert.pem" >/dev/null; then
    problem="it has expired"
  elif [ "$(openssl x509 -noout -pubkey -in "$workdir/cert.pem")" != "$(openssl pkey -pubout -in "$workdir/key.pem")" ]; then
    problem="its private key does not belong to it"
  fi
  rm -rf "$workdir"
  if [ -n "$problem" ]; then
    log "refused the certificate in $NOMAD_TLS_SECRET_ARN: $problem; kept the installed one"
    return 1
  fi
}

# publish_tls_days_left: the days the installed certificate has left, as a CloudWatch metric (the
# cluster's CertificateExpiry alarm watches the fewest over the nodes).
publish_tls_days_left() {
  local end days
  end=$(openssl x509 -noout -enddate -in "$NOMAD_TLS_CERT_FILE" | cut -d= -f2) || return 1
  days=$((($(date -d "$end" +%s) - $(date +%s)) / 86400))
  aws cloudwatch put-metric-data --region "$AWS_REGION" --namespace "$NOMAD_METRICS_NAMESPACE" \
    --metric-name TlsCertificateDaysLeft --dimensions "NomadCluster=$NOMAD_CLUSTER_NAME" --value "$days" --unit Count
}

# refresh_tls <group>: run every hour by nomad-tls-refresh.timer. Installs the certificate of the
# role's secret when it differs from the installed one and passes check_tls_material, then reloads
# Nomad (SIGHUP: Nomad reloads its TLS files without restarting). A secret that cannot be read (the
# node is cut off) or a certificate that fails the checks leaves the installed one in place: it
# stays valid through the renewal's overlap. Either way the days left are published.
refresh_tls() {
  local group=$1 material status=0
  if ! material=$(read_tls_material); then
    status=1
  elif [ "$(jq -j .certificate <<<"$material")" = "$(cat "$NOMAD_TLS_CERT_FILE")" ] &&
    [ "$(jq -j .ca <<<"$material")" = "$(cat "$NOMAD_TLS_CA_FILE")" ]; then
    log "the installed TLS certificate is current"
  elif check_tls_material "$material"; then
    write_tls_material "$group" "$material"
    systemctl reload nomad
    log "installed the renewed TLS certificate ($(openssl x509 -noout -enddate -in "$NOMAD_TLS_CERT_FILE")) and reloaded Nomad"
  else
    status=1
  fi
  publish_tls_days_left || log "could not publish the days the TLS certificate has left"
  return "$status"
}

# The hourly check for a renewed certificate (see refresh_tls).
write_tls_refresh_units() {
  cat >/etc/systemd/system/nomad-tls-refresh.service <<'EOF'
[Unit]
Description=Install a renewed Nomad TLS certificate and reload Nomad
After=nomad.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/nomad-bootstrap refresh-tls /etc/nomad-bootstrap/bootstrap.env
EOF
  cat >/etc/systemd/system/nomad-tls-refresh.timer <<'EOF'
[Unit]
Description=Check every hour for a renewed Nomad TLS certificate

[Timer]
OnBootSec=15min
OnUnitActiveSec=1h
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
EOF
}

# The instance metadata service (IPv4 and IPv6 addresses of the Nitro system): it hands out the
# instance role, which reads this client's TLS key and token. No task may reach it.
TASK_METADATA_CHAIN=NOMAD-TASK-METADATA
METADATA_ADDRESS_V4=169.254.169.254/32
METADATA_ADDRESS_V6=fd00:ec2::254/128

# ensure_rule <tool> <chain> <rule...>: appends the rule unless the chain has it (idempotent).
ensure_rule() {
  local tool=$1 chain=$2
  shift 2
  "$tool" -w -C "$chain" "$@" 2>/dev/null || "$tool" -w -A "$chain" "$@"
}

# ensure_first_jump <tool> <chain> <match...>: puts a jump to TASK_METADATA_CHAIN first in the chain
# unless it is there already, so no ACCEPT that Docker or CNI add later comes before it.
ensure_first_jump() {
  local tool=$1 chain=$2
  shift 2
  "$tool" -w -C "$chain" "$@" -j "$TASK_METADATA_CHAIN" 2>/dev/null ||
    "$tool" -w -I "$chain" 1 "$@" -j "$TASK_METADATA_CHAIN"
}

# block_task_metadata: rejects traffic forwarded from task networks to the metadata service (the
# hop limit of 1 already keeps IMDSv2 answers from containers; this also covers IMDSv1 or a hop
# limit raised later). Docker's networks pass DOCKER-USER, which Docker keeps first in FORWARD;
# Nomad's bridge (group network mode "bridge", CNI) is the `nomad` interface. Host-network tasks
# share the host's stack and are not forwarded: they stay able to reach it (see the README).
# Run by nomad-task-metadata.service after Docker starts and whenever Docker restarts.
block_task_metadata() {
  local tool address
  for tool in iptables ip6tables; do
    address=$METADATA_ADDRESS_V4
    if [ "$tool" = ip6tables ]; then
      address=$METADATA_ADDRESS_V6
      # The IPv6 endpoint answers only where it was turned on (this package does not); no ip6tables, no IPv6 rules.
      if ! command -v ip6tables >/dev/null; then
        log "no ip6tables: the IPv6 metadata address is not blocked"
        continue
      fi
    fi
    "$tool" -w -n -L "$TASK_METADATA_CHAIN" >/dev/null 2>&1 || "$tool" -w -N "$TASK_METADATA_CHAIN"
    ensure_rule "$tool" "$TASK_METADATA_CHAIN" -d "$address" -j REJECT
    "$tool" -w -n -L DOCKER-USER >/dev/null 2>&1 || "$tool" -w -N DOCKER-USER
    ensure_first_jump "$tool" DOCKER-USER
    ensure_first_jump "$tool" FORWARD -i nomad
  done
  log "blocked the instance metadata service from task networks"
}

write_task_metadata_unit() {
  cat >/etc/systemd/system/nomad-task-metadata.service <<'EOF'
[Unit]
Description=Keep Nomad tasks away from the instance metadata service
After=docker.service
# Restarted with Docker, which recreates its chains.
PartOf=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/nomad-bootstrap block-task-metadata

[Install]
WantedBy=docker.service multi-user.target
EOF
}

# publish_oidc <env-file>: servers copy the local agent's OIDC discovery document and JWKS into the
# workload identity issuer's bucket, which CloudFront serves to AWS STS. Every server does it (the
# keyring is replicated, so they publish the same keys); a key Nomad prepublishes before it signs
# with it reaches STS within minutes. Refuses documents of another issuer or without keys.
publish_oidc() {
  local workdir document issuer
  [ "$#" -eq 1 ] || die "usage: nomad-bootstrap publish-oidc <env-file>"
  # shellcheck source=/dev/null
  . "$1"
  : "${AWS_REGION:?}" "${NOMAD_TLS_CA_FILE:?}" "${NOMAD_OIDC_ISSUER:?}" "${NOMAD_OIDC_BUCKET:?}"
  NOMAD_CACERT=$NOMAD_TLS_CA_FILE
  NOMAD_TOKEN=
  workdir=$(mktemp -d)
  # shellcheck disable=SC2064 # expanded now, while workdir is set
  trap "rm -rf '$workdir'" EXIT
  for document in openid-configuration jwks.json; do
    nomad_api "/.well-known/$document" >"$workdir/$document" ||
      die "cannot read /.well-known/$document from the local Nomad agent"
  done
  issuer=$(jq -r '.issuer // empty' "$workdir/openid-configuration" 2>/dev/null || true)
  [ "$issuer" = "$NOMAD_OIDC_ISSUER" ] ||
    die "the discovery document names the issuer '$issuer', not $NOMAD_OIDC_ISSUER: not published"
  jq -e '(.keys | type) == "array" and (.keys | length) > 0' "$workdir/jwks.json" >/dev/null 2>&1 ||
    die "/.well-known/jwks.json holds no keys: not published"
  for document in openid-configuration jwks.json; do
    aws s3 cp --only-show-errors --region "$AWS_REGION" --content-type application/json \
      --cache-control max-age=300 "$workdir/$document" "s3://$NOMAD_OIDC_BUCKET/.well-known/$document" ||
      die "cannot write .well-known/$document to the bucket $NOMAD_OIDC_BUCKET"
  done
  log "published the OIDC discovery document and $(jq '.keys | length' "$workdir/jwks.json") key(s) for $NOMAD_OIDC_ISSUER"
}

write_oidc_publish_units() {
  cat >/etc/systemd/system/nomad-oidc-publish.service <<'EOF'
[Unit]
Description=Publish Nomad's OIDC discovery document and keys for AWS STS
After=nomad.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/nomad-bootstrap publish-oidc /etc/nomad-bootstrap/bootstrap.env
EOF
  cat >/etc/systemd/system/nomad-oidc-publish.timer <<'EOF'
[Unit]
Description=Publish Nomad's OIDC discovery document and keys every 5 minutes

[Timer]
OnBootSec=2min
OnUnitActiveSec=5min
RandomizedDelaySec=1min

[Install]
WantedBy=timers.target
EOF
}

# install_gossip_key <group>: servers only. Nomad takes the gossip key from its configuration, so
# it goes into a configuration file of its own, merged with nomad.hcl.
install_gossip_key() {
  local group=$1 key
  key=$(secret_value "$NOMAD_GOSSIP_SECRET_ARN") || die "cannot read the gossip key from $NOMAD_GOSSIP_SECRET_ARN"
  # Also keeps anything but a key (the placeholder, a stray quote) out of the HCL file.
  [[ "$key" =~ ^[A-Za-z0-9+/]{43}=$ ]] || die "$NOMAD_GOSSIP_SECRET_ARN holds no gossip key (32 bytes, base64)"
  printf 'server {\n  encrypt = "%s"\n}\n' "$key" | install -m 0640 -o root -g "$group" /dev/stdin "$NOMAD_GOSSIP_CONFIG_FILE"
  log "installed the gossip encryption key"
}

# read_node_token: the ACL token of this role's readiness checks into NOMAD_TOKEN, or nothing while
# the cluster has none (a new cluster's servers come up before the ACL system is bootstrapped).
read_node_token() {
  local value
  value=$(secret_value "$NOMAD_TOKEN_SECRET_ARN") || die "cannot read the node token from $NOMAD_TOKEN_SECRET_ARN"
  NOMAD_TOKEN=$(jq -r '.secretId // empty' <<<"$value" 2>/dev/null || true)
}

# A server is ready when it is a healthy voter and autopilot reports the whole cluster healthy:
# only then may the rolling update replace the next server without risking quorum. Before the ACL
# bootstrap (the first servers of a new cluster, which no rolling update replaces), there is no
# token to ask autopilot with: a leader and this server among the raft peers is enough.
server_ready() {
  local self health
  if [ -z "${NOMAD_TOKEN:-}" ]; then
    server_formed
    return
  fi
  self=$(nomad_api /v1/agent/self | jq -r '.member.Name') || return 1
  health=$(nomad_api /v1/operator/autopilot/health) || return 1
  jq -e --arg self "$self" \
    '.Healthy == true and any(.Servers[]; .Name == $self and .Healthy == true and .Voter == true)' \
    <<<"$health" >/dev/null
}

# The status endpoints need no token.
server_formed() {
  local leader self
  leader=$(nomad_api /v1/status/leader | jq -r '.') || return 1
  [ -n "$leader" ] || return 1
  self="$(imds local-ipv4):4647"
  nomad_api /v1/status/peers | jq -e --arg self "$self" 'any(.[]; . == $self)' >/dev/null
}

# A client is ready when the servers list its node as ready.
client_ready() {
  local node_id
  node_id=$(nomad_api /v1/agent/self | jq -r '.stats.client.node_id // empty') || return 1
  [ -n "$node_id" ] || return 1
  nomad_api "/v1/node/$node_id" | jq -e '.Status == "ready"' >/dev/null
}

imds() {
  local token
  token=$(curl --fail --silent --show-error -X PUT --header 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
    http://169.254.169.254/latest/api/token)
  curl --fail --silent --show-error --header "X-aws-ec2-metadata-token: $token" \
    "http://169.254.169.254/latest/meta-data/$1"
}

# cloudformation_waiting: whether this instance's Auto Scaling group is being created or updated by
# CloudFormation, i.e. waiting for signals. Instances launched by scaling, a Spot replacement or a
# health check replacement boot outside any stack operation and must not signal.
cloudformation_waiting() {
  local status
  status=$(aws cloudformation describe-stack-resource --region "$AWS_REGION" --stack-name "$CFN_STACK_NAME" \
    --logical-resource-id "$CFN_LOGICAL_ID" --query StackResourceDetail.ResourceStatus --output text) || return 1
  case "$status" in
    CREATE_IN_PROGRESS | UPDATE_IN_PROGRESS | UPDATE_ROLLBACK_IN_PROGRESS) return 0 ;;
    *) return 1 ;;
  esac
}

# signal_cloudformation SUCCESS|FAILURE: the Auto Scaling group's creation and rolling-update
# policies wait for this signal from each new instance; outside those it is not sent.
signal_cloudformation() {
  if ! cloudformation_waiting; then
    log "CloudFormation is not waiting for $CFN_LOGICAL_ID: no $1 signal"
    return 0
  fi
  aws cloudformation signal-resource --region "$AWS_REGION" --stack-name "$CFN_STACK_NAME" \
    --logical-resource-id "$CFN_LOGICAL_ID" --unique-id "$(imds instance-id)" --status "$1"
}

# mark_unhealthy: the Auto Scaling group replaces the instance now, instead of keeping a node that
# never joined in service (and paying for it) because its EC2 status checks pass.
mark_unhealthy() {
  aws autoscaling set-instance-health --region "$AWS_REGION" --instance-id "$(imds instance-id)" \
    --health-status Unhealthy --no-should-respect-grace-period
}

# on_exit <status>: the EXIT trap, set before anything can fail. A failed boot marks the instance
# unhealthy and, while CloudFormation waits for this instance, signals FAILURE so the deploy rolls
# back at once instead of waiting for the timeout.
on_exit() {
  local status=$1
  if [ "$status" -eq 0 ]; then
    return 0
  fi
  log "failed (exit $status): marking the instance unhealthy"
  if [ -z "${AWS_REGION:-}" ]; then
    AWS_REGION=$(imds placement/region) || AWS_REGION=
  fi
  mark_unhealthy || log "could not mark the instance unhealthy"
  if [ -n "${CFN_STACK_NAME:-}" ] && [ -n "${CFN_LOGICAL_ID:-}" ]; then
    signal_cloudformation FAILURE || log "could not signal CloudFormation"
  fi
}

install_packages() {
  local packages=(unzip jq openssl amazon-cloudwatch-agent)
  if [ "$NOMAD_ROLE" = client ]; then
    packages+=(docker amazon-ecr-credential-helper)
  fi
  dnf install -y --setopt=install_weak_deps=False "${packages[@]}"
}

prepare_server() {
  if ! id nomad >/dev/null 2>&1; then
    useradd --system --home-dir /opt/nomad --shell /sbin/nologin nomad
  fi
  install -d -m 0700 -o nomad -g nomad /opt/nomad /opt/nomad/data
  install -d -m 0750 -o nomad -g nomad /var/log/nomad
  chown -R root:nomad /etc/nomad.d
  chmod 0750 /etc/nomad.d
  chmod 0640 /etc/nomad.d/*.hcl
}

prepare_client() {
  local volume paths=()
  install -d -m 0700 /opt/nomad /opt/nomad/data
  # The node is named after its instance: the drain function finds the node of a terminating instance by it.
  printf 'name = "%s"\n' "$(imds instance-id)" | install -m 0600 /dev/stdin /etc/nomad.d/name.hcl
  install -d -m 0755 /opt/nomad/plugins /var/log/nomad
  chmod 0700 /etc/nomad.d
  read -r -a paths <<<"${NOMAD_HOST_VOLUME_PATHS:-}"
  for volume in "${paths[@]}"; do
    install -d -m 0755 "$volume"
  done
  systemctl enable --now docker
  # Bridge networking: traffic crossing the bridge must go through iptables for port mappings.
  modprobe br_netfilter
  echo br_netfilter >/etc/modules-load.d/nomad-bridge.conf
  cat >/etc/sysctl.d/60-nomad-bridge.conf <<'EOF'
net.bridge.bridge-nf-call-arptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.bridge.bridge-nf-call-iptables = 1
EOF
  sysctl --quiet --system
  install_cni_plugins "$CNI_PLUGINS_ARTIFACT_KEY" "$CNI_PLUGINS_SHA256"
}

# NVIDIA driver and container toolkit from NVIDIA's signed repositories (dnf checks the package
# signatures; these still come from NVIDIA's servers at boot, see the README), then HashiCorp's
# external device plugin from the artifact bucket, so jobs can ask for `device "nvidia/gpu"`.
prepare_gpu() {
  local cuda_arch
  case "$(uname -m)" in
    x86_64) cuda_arch=x86_64 ;;
    aarch64) cuda_arch=sbsa ;;
    *) die "unsupported machine architecture $(uname -m)" ;;
  esac
  dnf install -y "kernel-devel-$(uname -r)" "kernel-headers-$(uname -r)" "kernel-modules-extra-$(uname -r)"
  fetch "https://developer.download.nvidia.com/compute/cuda/repos/amzn2023/$cuda_arch/cuda-amzn2023.repo" \
    /etc/yum.repos.d/cuda-amzn2023.repo
  dnf install -y cuda-drivers
  modprobe nvidia
  nvidia-smi --list-gpus || die "the NVIDIA driver sees no GPU on this instance type"
  fetch https://nvidia.github.io/libnvidia-container/stable/rpm/nvidia-container-toolkit.repo \
    /etc/yum.repos.d/nvidia-container-toolkit.repo
  dnf install -y nvidia-container-toolkit
  nvidia-ctk runtime configure --runtime=docker
  systemctl restart docker
  install_release_zip nomad-device-nvidia "$NOMAD_DEVICE_NVIDIA_ARTIFACT_KEY" "$NOMAD_DEVICE_NVIDIA_SHA256" /opt/nomad/plugins
}

start_cloudwatch_agent() {
  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
    -c file:/etc/nomad-bootstrap/cloudwatch-agent.json
}

# HashiCorp's recommended unit: servers run as the nomad user, clients as root (they manage tasks).
write_nomad_unit() {
  local user=nomad after=network-online.target
  if [ "$NOMAD_ROLE" = client ]; then
    user=root
    after="network-online.target docker.service nomad-task-metadata.service"
  fi
  cat >/etc/systemd/system/nomad.service <<EOF
[Unit]
Description=HashiCorp Nomad ($NOMAD_ROLE)
Documentation=https://developer.hashicorp.com/nomad/docs
Wants=$after
After=$after

[Service]
User=$user
Group=$user
ExecReload=/bin/kill -HUP \$MAINPID
ExecStart=/usr/local/bin/nomad agent -config /etc/nomad.d
# SIGINT makes the agent leave gracefully (leave_on_interrupt); clients drain first.
KillMode=process
KillSignal=SIGINT
TimeoutStopSec=90
LimitNOFILE=65536
LimitNPROC=infinity
TasksMax=infinity
Restart=on-failure
RestartSec=2
OOMScoreAdjust=-1000

[Install]
WantedBy=multi-user.target
EOF
}

main() {
  # First: every later failure (a missing env file included) marks the instance unhealthy.
  trap 'on_exit $?' EXIT
  [ "$#" -eq 1 ] || die "usage: nomad-bootstrap <env-file>"
  # shellcheck source=/dev/null
  . "$1"
  : "${NOMAD_ROLE:?}" "${NOMAD_VERSION:?}" "${AWS_REGION:?}" "${CFN_STACK_NAME:?}" "${CFN_LOGICAL_ID:?}"
  : "${NOMAD_TLS_SECRET_ARN:?}" "${NOMAD_TLS_CA_FILE:?}" "${NOMAD_TLS_CERT_FILE:?}" "${NOMAD_TLS_KEY_FILE:?}"
  : "${NOMAD_TOKEN_SECRET_ARN:?}" "${NOMAD_ARTIFACT_BUCKET:?}" "${NOMAD_ARTIFACT_KEY:?}" "${NOMAD_SHA256:?}"
  NOMAD_CACERT=$NOMAD_TLS_CA_FILE

  install_packages
  install_release_zip nomad "$NOMAD_ARTIFACT_KEY" "$NOMAD_SHA256" /usr/local/bin
  case "$NOMAD_ROLE" in
    server)
      prepare_server
      install_tls_material nomad
      install_gossip_key nomad
      ;;
    client)
      prepare_client
      if [ "${NOMAD_GPU:-false}" = true ]; then
        prepare_gpu
      fi
      install_tls_material root
      ;;
    *) die "NOMAD_ROLE must be server or client, not $NOMAD_ROLE" ;;
  esac
  read_node_token
  if [ "$NOMAD_ROLE" = client ] && [ -z "$NOMAD_TOKEN" ]; then
    die "$NOMAD_TOKEN_SECRET_ARN holds no token: clients start after the cluster's ACL bootstrap"
  fi
  start_cloudwatch_agent
  write_nomad_unit
  write_tls_refresh_units
  if [ "$NOMAD_ROLE" = client ]; then
    write_task_metadata_unit
  elif [ -n "${NOMAD_OIDC_BUCKET:-}" ]; then
    write_oidc_publish_units
  fi
  systemctl daemon-reload
  if [ "$NOMAD_ROLE" = client ]; then
    # Before the agent: no task starts while the metadata service is reachable from its network.
    systemctl enable --now nomad-task-metadata.service
  fi
  systemctl enable --now nomad
  systemctl enable --now nomad-tls-refresh.timer
  if [ "$NOMAD_ROLE" = server ] && [ -n "${NOMAD_OIDC_BUCKET:-}" ]; then
    systemctl enable --now nomad-oidc-publish.timer
  fi

  if [ "$NOMAD_ROLE" = server ]; then
    wait_until "${NOMAD_READY_TIMEOUT_SECONDS:-900}" "this server to be a healthy voter in a healthy cluster" server_ready
  else
    wait_until "${NOMAD_READY_TIMEOUT_SECONDS:-900}" "this client to be ready" client_ready
  fi
  signal_cloudformation SUCCESS
  log "ready"
}

# refresh_tls_main <env-file>: `nomad-bootstrap refresh-tls <env-file>`, from the hourly timer.
refresh_tls_main() {
  [ "$#" -eq 1 ] || die "usage: nomad-bootstrap refresh-tls <env-file>"
  # shellcheck source=/dev/null
  . "$1"
  : "${NOMAD_ROLE:?}" "${AWS_REGION:?}" "${NOMAD_TLS_SECRET_ARN:?}" "${NOMAD_TLS_CA_FILE:?}"
  : "${NOMAD_TLS_CERT_FILE:?}" "${NOMAD_TLS_KEY_FILE:?}" "${NOMAD_CLUSTER_NAME:?}" "${NOMAD_METRICS_NAMESPACE:?}"
  if [ "$NOMAD_ROLE" = server ]; then
    refresh_tls nomad
  else
    refresh_tls root
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    refresh-tls)
      shift
      refresh_tls_main "$@"
      ;;
    block-task-metadata) block_task_metadata ;;
    publish-oidc)
      shift
      publish_oidc "$@"
      ;;
    *) main "$@" ;;
  esac
fi
