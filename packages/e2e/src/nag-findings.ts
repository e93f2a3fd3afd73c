import type {
  INagLogger,
  NagLoggerComplianceData,
  NagLoggerErrorData,
  NagLoggerNonComplianceData,
  NagLoggerNotApplicableData,
  NagLoggerSuppressedData,
  NagLoggerSuppressedErrorData,
} from 'cdk-nag';

/** One cdk-nag result that is not a pass: a finding (suppressed or not) or a rule that could not run. */
export interface NagFinding {
  /** `AwsSolutions-IAM5`, or `CdkNagValidationFailure` for a rule that threw. */
  readonly ruleId: string;
  /** `Error`, `Warning` or `Info`. */
  readonly level: string;
  /** The construct path of the resource. */
  readonly path: string;
  /** What the finding is about within the resource (`Resource::*`), if the rule says. */
  readonly findingId: string;
  /** The suppression's reason, when suppressed. */
  readonly suppressedBecause?: string;
  /** The rule that threw, for validation failures. */
  readonly failedRule?: string;
}

/**
 * A cdk-nag logger that keeps every finding, so a program can count and report them (cdk-nag itself
 * only writes annotations and CSV files). Add it with `new AwsSolutionsChecks({ additionalLoggers: [collector] })`.
 */
export class NagFindingsCollector implements INagLogger {
  public readonly findings: NagFinding[] = [];

  public onCompliance(_data: NagLoggerComplianceData): void {}

  public onNotApplicable(_data: NagLoggerNotApplicableData): void {}

  public onNonCompliance(data: NagLoggerNonComplianceData): void {
    this.findings.push({
      ruleId: data.ruleId,
      level: data.ruleLevel,
      path: data.resource.node.path,
      findingId: data.findingId,
    });
  }

  public onSuppressed(data: NagLoggerSuppressedData): void {
    this.findings.push({
      ruleId: data.ruleId,
      level: data.ruleLevel,
      path: data.resource.node.path,
      findingId: data.findingId,
      suppressedBecause: data.suppressionReason,
    });
  }

  public onError(data: NagLoggerErrorData): void {
    this.findings.push({
      ruleId: 'CdkNagValidationFailure',
      level: data.ruleLevel,
      path: data.resource.node.path,
      findingId: '',
      failedRule: data.ruleId,
    });
  }

  public onSuppressedError(data: NagLoggerSuppressedErrorData): void {
    this.findings.push({
      ruleId: 'CdkNagValidationFailure',
      level: data.ruleLevel,
      path: data.resource.node.path,
      findingId: '',
      failedRule: data.ruleId,
      suppressedBecause: data.errorSuppressionReason,
    });
  }

  /** Findings nobody suppressed. */
  public get unsuppressed(): NagFinding[] {
    return this.findings.filter((finding) => finding.suppressedBecause === undefined);
  }

  /** Findings with a suppression. */
  public get suppressed(): NagFinding[] {
    return this.findings.filter((finding) => finding.suppressedBecause !== undefined);
  }
}
