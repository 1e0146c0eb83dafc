import { Construct } from 'constructs';
import { checkName } from '../checks';
import { cel, denyingPolicy, requestBy } from './policy';

export interface ServiceMetadataGuardProps {
  /** Name of the ValidatingAdmissionPolicy and of its binding. */
  readonly name: string;
  /** Annotations whose keys start with this prefix are guarded, e.g. external-dns.kubernetes.io/. */
  readonly annotationPrefix: string;
  /** A label key that is guarded too. */
  readonly label: string;
  /** The only users (as the API server names them) that may add or change guarded metadata. */
  readonly allowedUsers: readonly string[];
  /** The guard applies in namespaces with these labels (exact values) and this label key (any value). */
  readonly namespaceSelector: { readonly matchLabels: Readonly<Record<string, string>>; readonly hasLabel: string };
  /** Said to whoever is refused. */
  readonly message: string;
}

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later) and its
 * binding that let only `allowedUsers`:
 *  - add or change, on Services, the annotations under a prefix and one label (through the
 *    Service or its status subresource, which can change metadata too);
 *  - change the spec of a Service that already carries them (its type, external IPs or external
 *    name are what a DNS controller publishes).
 * Whatever a request leaves as it was passes, whoever sends it: the cloud's service controller
 * adding a finalizer or writing the status, kubectl adding an unrelated annotation. Removing the
 * guarded metadata passes too. Services that had it before the policy existed keep it: audit them.
 */
export class ServiceMetadataGuard extends Construct {
  constructor(scope: Construct, id: string, props: ServiceMetadataGuardProps) {
    checkName('ValidatingAdmissionPolicy', props.name);
    if (props.allowedUsers.length === 0) throw new Error(`ServiceMetadataGuard ${props.name}: allowedUsers must not be empty`);
    super(scope, id);
    const prefix = cel(props.annotationPrefix);
    const label = cel(props.label);
    denyingPolicy(this, {
      name: props.name,
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['services', 'services/status'] }],
      variables: [
        { name: 'annotations', expression: 'object.metadata.?annotations.orValue({})' },
        { name: 'oldAnnotations', expression: 'oldObject == null ? {} : oldObject.metadata.?annotations.orValue({})' },
        { name: 'label', expression: `object.metadata.?labels.orValue({})${index(label)}` },
        { name: 'oldLabel', expression: `oldObject == null ? optional.none() : oldObject.metadata.?labels.orValue({})${index(label)}` },
        { name: 'allowed', expression: requestBy(props.allowedUsers) },
        {
          name: 'wasGuarded',
          expression: `oldObject != null && (variables.oldLabel.hasValue() || variables.oldAnnotations.exists(k, k.startsWith(${prefix})))`,
        },
      ],
      validations: [
        {
          expression: `variables.allowed || variables.annotations.all(k, !k.startsWith(${prefix}) || variables.oldAnnotations[?k] == optional.of(variables.annotations[k]))`,
          message: props.message,
        },
        { expression: 'variables.allowed || !variables.label.hasValue() || variables.label == variables.oldLabel', message: props.message },
        { expression: 'variables.allowed || !variables.wasGuarded || object.spec == oldObject.spec', message: props.message },
      ],
      matchResources: {
        namespaceSelector: {
          matchLabels: { ...props.namespaceSelector.matchLabels },
          matchExpressions: [{ key: props.namespaceSelector.hasLabel, operator: 'Exists' }],
        },
      },
    });
  }
}

/** An optional index of a map by a CEL string literal: [?<literal>]. */
function index(literal: string): string {
  return `[?${literal}]`;
}
