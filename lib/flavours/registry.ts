import { ControllerFlavour } from './flavour';
import { gatewayPassthrough } from './gateway/passthrough';
import { genericPassthrough } from './generic/passthrough';
import { haproxyPassthrough } from './haproxy/passthrough';
import { nginxFlavour } from './nginx';
import { nginxPassthrough } from './nginx/passthrough';
import { PassthroughEmit } from './passthrough';
import { traefikPassthrough } from './traefik/passthrough';

export * from './flavour';
export * from './passthrough';
export { nginxFlavour } from './nginx';

/** Every controller flavour, by platform.spec.ingress.controller. A new flavour is one line here. */
const FLAVOURS: readonly ControllerFlavour[] = [nginxFlavour];

/** The flavour for platform.spec.ingress.controller (the schema admits only known ids). */
export function flavourFor(id: string): ControllerFlavour {
  const flavour = FLAVOURS.find((f) => f.id === id);
  if (!flavour) throw new Error(`unknown ingress controller flavour "${id}"`);
  return flavour;
}

/** Every way of routing control planes by SNI, by platform.spec.controlPlanes.controller. A new one is one line here. */
const PASSTHROUGH: readonly PassthroughEmit[] = [traefikPassthrough, haproxyPassthrough, nginxPassthrough, genericPassthrough, gatewayPassthrough];

/** The passthrough routes of a controller type (the schema admits only known types). */
export function passthroughFor(type: string): PassthroughEmit {
  const emit = PASSTHROUGH.find((p) => p.type === type);
  if (!emit) throw new Error(`unknown passthrough controller type "${type}"`);
  return emit;
}
