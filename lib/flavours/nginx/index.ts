import { ControllerFlavour } from '../flavour';
import { nginxEmit } from './emit';
import { nginxPolicy } from './policy';

/** ingress-nginx, the controller the seeds use. Retired upstream: fixes ended in March 2026. */
export const nginxFlavour: ControllerFlavour = { id: 'nginx', policy: nginxPolicy, emit: nginxEmit };
