import { AspectPriority, Aspects, CfnResource, type IAspect, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A reviewed cdk-nag finding on a resource this package creates: the rule, why the resource is as
 * it is, and (for rules that report one finding per wildcard, such as `AwsSolutions-IAM5`) exactly
 * which findings.
 */
export interface NagSuppression {
  /** The rule, e.g. `AwsSolutions-IAM5` or `NIST.800.53.R5-LambdaDLQ`. */
  readonly id: string;
  /** Why the finding is accepted (cdk-nag requires 10 characters or more). */
  readonly reason: string;
  /**
   * The findings of a granular rule this covers (`Resource::*`, `Action::kms:ReEncrypt*`). A function is
   * called at synthesis, once logical IDs are final (`Resource::<Bucket1234.Arn>/*`).
   *
   * @default - every finding of the rule on the resource (for rules without findings)
   */
  readonly appliesTo?: readonly (string | (() => string))[];
  /**
   * The rule cannot evaluate the resource (it throws, e.g. on a launch template behind a mixed
   * instances policy): cdk-nag 2 reports that as `CdkNagValidationFailure`, cdk-nag 3 under the rule.
   *
   * @default false
   */
  readonly ruleCannotRun?: boolean;
}

/** The `cdk_nag` metadata entry of cdk-nag 2 (`rules_to_suppress`), as `NagSuppressions` writes it. */
interface CfnNagSuppression {
  id: string;
  reason: string;
  applies_to?: string[];
  is_reason_encoded?: boolean;
}

/**
 * Suppresses reviewed cdk-nag findings on `scope`'s CloudFormation resource (its default child), or with
 * `applyToChildren` on every resource below it, also ones added after this call (a role's default
 * policy, for instance).
 *
 * Written so that the user's cdk-nag, whichever major version, sees them without this package
 * depending on cdk-nag: cdk-nag 2 reads the `cdk_nag` CloudFormation metadata of a resource
 * (`rules_to_suppress`, the format of its `NagSuppressions`), cdk-nag 3 reads aws-cdk-lib's
 * acknowledged rules (`Validations.of(resource).acknowledge()`, one per finding: `AwsSolutions-IAM5[Resource::*]`).
 * Both are added by an aspect that runs before the default-priority aspects cdk-nag 2 uses, when the
 * construct tree is complete.
 */
export function addNagSuppressions(
  scope: IConstruct,
  suppressions: readonly NagSuppression[],
  applyToChildren = false,
): void {
  for (const suppression of suppressions) {
    if (suppression.reason.length < 10) {
      throw new Error(`cdk-nag suppression ${suppression.id} on ${scope.node.path}: a reason of 10 characters or more`);
    }
  }
  Aspects.of(scope).add(new NagSuppressionsAspect(scope, suppressions, applyToChildren), {
    priority: AspectPriority.MUTATING,
  });
}

class NagSuppressionsAspect implements IAspect {
  public constructor(
    private readonly scope: IConstruct,
    private readonly suppressions: readonly NagSuppression[],
    private readonly applyToChildren: boolean,
  ) {}

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    if (this.applyToChildren || node === this.scope || node === this.scope.node.defaultChild) {
      applyNagSuppressions(node, this.suppressions);
    }
  }
}

/**
 * Writes suppressions onto one resource now, for both cdk-nag majors (see {@link addNagSuppressions},
 * which calls this once the tree is complete; call it directly only from an aspect).
 */
export function applyNagSuppressions(resource: CfnResource, suppressions: readonly NagSuppression[]): void {
  const resolved = suppressions.map((suppression) => ({
    ...suppression,
    appliesTo: suppression.appliesTo?.map((finding) => (typeof finding === 'string' ? finding : finding())),
  }));
  writeCdkNag2Metadata(resource, resolved);
  // cdk-nag 3 walks up from the resource: acknowledging on the resource itself keeps each one narrow.
  for (const suppression of resolved) {
    const ids =
      suppression.appliesTo === undefined
        ? [suppression.id]
        : suppression.appliesTo.map((finding) => `${suppression.id}[${finding}]`);
    Validations.of(resource).acknowledge(...ids.map((id) => ({ id, reason: suppression.reason })));
  }
}

function writeCdkNag2Metadata(
  resource: CfnResource,
  suppressions: readonly (Omit<NagSuppression, 'appliesTo'> & { appliesTo?: readonly string[] })[],
): void {
  const existing = ((resource.getMetadata('cdk_nag') as { rules_to_suppress?: CfnNagSuppression[] } | undefined)
    ?.rules_to_suppress ?? []) as CfnNagSuppression[];
  const added = suppressions.map((suppression): CfnNagSuppression => {
    const id = suppression.ruleCannotRun === true ? 'CdkNagValidationFailure' : suppression.id;
    const appliesTo = suppression.ruleCannotRun === true ? [suppression.id] : suppression.appliesTo;
    return {
      // cdk-nag 2 keeps reasons with characters past Latin-1 base64-encoded in the template.
      ...([...suppression.reason].some((char) => (char.codePointAt(0) ?? 0) > 255)
        ? { reason: Buffer.from(suppression.reason).toString('base64'), is_reason_encoded: true }
        : { reason: suppression.reason }),
      id,
      ...(appliesTo === undefined ? {} : { applies_to: [...appliesTo] }),
    };
  });
  const unique = [...new Set([...existing, ...added].map((rule) => JSON.stringify(rule)))];
  resource.addMetadata('cdk_nag', { rules_to_suppress: unique.map((rule) => JSON.parse(rule) as CfnNagSuppression) });
}
