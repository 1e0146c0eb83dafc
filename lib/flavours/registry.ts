import { ControllerFlavour } from './flavour';
import { nginxFlavour } from './nginx';

export * from './flavour';
export { nginxFlavour } from './nginx';

/** Every controller flavour, by platform.spec.ingress.controller. A new flavour is one line here. */
const FLAVOURS: readonly ControllerFlavour[] = [nginxFlavour];

/** The flavour for platform.spec.ingress.controller (the schema admits only known ids). */
export function flavourFor(id: string): ControllerFlavour {
  const flavour = FLAVOURS.find((f) => f.id === id);
  if (!flavour) throw new Error(`unknown ingress controller flavour "${id}"`);
  return flavour;
}
