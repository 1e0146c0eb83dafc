import { Construct } from 'constructs';
import { nonEmpty, PlainApiObject } from '../api-object';
import { checkName } from '../checks';

/** ConfigMap keys: letters, digits, '-', '_' and '.' (the API server's rule). */
const KEY = /^[-._a-zA-Z0-9]+$/;

export interface ConfigMapProps {
  readonly name: string;
  readonly namespace: string;
  /** String data by key. */
  readonly data: Readonly<Record<string, string>>;
  /** Labels besides the chart's. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A v1 ConfigMap of string data. Never for secrets: ConfigMaps are readable by more people than Secrets. */
export class ConfigMap extends PlainApiObject {
  constructor(scope: Construct, id: string, props: ConfigMapProps) {
    checkName('ConfigMap', props.name);
    for (const key of Object.keys(props.data)) {
      if (!KEY.test(key) || key.length > 253) throw new Error(`ConfigMap ${props.name}: key ${JSON.stringify(key)} is not a valid data key (letters, digits, '-', '_' and '.')`);
    }
    super(scope, id, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: props.name, namespace: props.namespace, labels: nonEmpty(props.labels) },
      body: { data: { ...props.data } },
    });
  }
}
