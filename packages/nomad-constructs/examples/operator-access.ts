import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NomadCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const cluster = new NomadCluster(stack, 'Cluster', { uiReadOnlyToken: true });
cluster.addClientPool('general');

// The CI that deploys jobs reads the management token (NOMAD_TOKEN) and the CA (NOMAD_CACERT) with
// `nomad-constructs env`; the on-call engineers read the read-only UI token and open port forwards.
const deployer = new iam.Role(stack, 'Deployer', { assumedBy: new iam.AccountRootPrincipal() });
cluster.grantManagementToken(deployer);
cluster.grantCaRead(deployer);
cluster.grantSessionManagerAccess(deployer);
const onCall = new iam.Role(stack, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
cluster.grantUiToken(onCall);
cluster.grantSessionManagerAccess(onCall);
