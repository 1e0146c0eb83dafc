/** Container image references, as the schema's PinnedImage admits them (registry host written out). */

/** The repository of an image reference: without its tag and digest. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}

/** Tags that name whatever was pushed last, never one build. */
const MOVING_TAGS = new Set(['latest', 'main', 'master', 'edge', 'nightly', 'dev']);

/**
 * Why `image` is not pinned, or undefined when it is: a digest pins it; otherwise its tag must not
 * be one that moves. (A version tag can be pushed again too; a digest is the only real pin.)
 */
export function movingTag(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const tag = image.slice(imageRepository(image).length + 1);
  if (MOVING_TAGS.has(tag.toLowerCase())) return `the tag "${tag}" moves with every push; pin a version tag or a digest (@sha256:...)`;
  // Release workflows push x and x.y again with every patch release (docker/metadata-action's
  // {{major}} and {{major}}.{{minor}}, which steward-tcp-proxy's release.yml pushes).
  if (/^v?[0-9]+(\.[0-9]+)?$/.test(tag)) return `the tag "${tag}" moves with every patch release; pin a full version (x.y.z) or a digest (@sha256:...)`;
  return undefined;
}
