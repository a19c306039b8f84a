import { Aspects, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { WriteNagSuppressionsToCloudFormationAspect } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** One entry of the `cdk_nag` template metadata (the audit trail cdk-nag writes). */
interface NagSuppressionRecord {
  readonly id: string;
  readonly reason: string;
}

/**
 * Renders a resolved CloudFormation value the way cdk-nag names IAM findings (`Resource::<this string>`):
 * `Fn::Join` is joined, `Ref`/`Fn::GetAtt` become `<Id>`/`<Id.Attr>`, `Fn::ImportValue` becomes the export name,
 * anything else (e.g. `Fn::GetStackOutput`) is JSON. Mirrors cdk-nag's internal `flattenCfnReference`.
 */
export const flattenCfnReference = (node: unknown): string => {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (value['Fn::Sub']) return flattenCfnReference(value['Fn::Sub']);
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
    }
    if (value['Fn::ImportValue']) return flattenCfnReference(value['Fn::ImportValue']);
    if (value.Ref) return `<${flattenCfnReference(value.Ref)}>`;
  }
  return JSON.stringify(node);
};

/**
 * Acknowledges cdk-nag `AwsSolutions-IAM5` findings for the given wildcard resources of one IAM policy.
 *
 * A finding's id embeds the resource as finally rendered, and for a resource of another stack that is the
 * cross-stack reference, which exists only once CDK resolves references during synthesis. So the
 * acknowledgement is recorded from a construct validation hook, which CDK runs after resolving references and
 * before validation plugins (cdk-nag) read acknowledgements. Only the listed resources are acknowledged; any
 * other wildcard on the policy is still reported.
 */
export const acknowledgeWildcardResources = (
  policy: IConstruct,
  resources: readonly string[],
  reason: string,
) => {
  policy.node.addValidation({
    validate: () => {
      const stack = Stack.of(policy);
      for (const resource of resources) {
        const id = `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(resource))}]`;
        Validations.of(policy).acknowledge({ id, reason });
        appendToAuditTrail(policy, { id, reason });
      }
      return [];
    },
  });
};

/**
 * cdk-nag copies acknowledgements into the templates' `cdk_nag` metadata from an Aspect, which has run by the
 * time a validation hook acknowledges: add late acknowledgements to that metadata the same way.
 */
const appendToAuditTrail = (scope: IConstruct, record: NagSuppressionRecord) => {
  const auditTrailOn = Aspects.of(scope.node.root).all.some(
    (a) => a instanceof WriteNagSuppressionsToCloudFormationAspect,
  );
  if (!auditTrailOn) return;
  for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
    const existing = resource.getMetadata('cdk_nag') as
      | { rules_to_suppress?: NagSuppressionRecord[] }
      | undefined;
    const rules = existing?.rules_to_suppress ?? [];
    if (rules.some((r) => r.id === record.id)) continue;
    resource.addMetadata('cdk_nag', { ...existing, rules_to_suppress: [...rules, record] });
  }
};

/**
 * `eventBridgeEnabled` is applied by CDK's singleton `BucketNotificationsHandler` custom resource function, a
 * CDK-owned Lambda whose role we do not control. Its finding is acknowledged on that function's role only.
 */
export const acknowledgeBucketNotificationsHandler = (stack: Stack) => {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  const role = handler?.node.tryFindChild('Role');
  if (!role) return;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'CDK-owned custom resource handler that configures bucket notifications; the policy only writes its logs.',
  });
};
