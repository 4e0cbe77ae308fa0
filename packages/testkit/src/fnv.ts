const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text`, as an unsigned integer.
 * The mock's synthetic segmentation counts use it (docs/testkit.md#segmentation-route), so tests
 * compute their expectations with the same function.
 */
export function fnv1a32(text: string): number {
  let hash = OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, PRIME);
  }
  return hash >>> 0;
}
