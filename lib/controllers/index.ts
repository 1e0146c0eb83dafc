import { ControllerFlavour } from './flavour';
import { nginxFlavour } from './nginx';

export * from './flavour';
export { nginxFlavour } from './nginx';

const FLAVOURS: Record<string, ControllerFlavour> = {
  [nginxFlavour.id]: nginxFlavour,
};

/** The flavour for platform.spec.ingress.controller (the schema admits only known ids). */
export function flavourFor(id: string): ControllerFlavour {
  const flavour = FLAVOURS[id];
  if (!flavour) throw new Error(`unknown ingress controller flavour "${id}"`);
  return flavour;
}
