import { hash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 / RFC 9162 (Certificate Transparency): leaves are hashed with a
 * 0x00 prefix and interior nodes with 0x01, so no leaf can pass for a node; a tree of n leaves
 * splits at the largest power of two below n. Any CT-style verifier can check our proofs.
 */

/**
 * SHA-256(0x00 || UTF-8 of `leafText`). The NUL character is the one byte 0x00 in UTF-8, so
 * the prefix rides in the string and the text is encoded once, by OpenSSL's caller.
 */
export const leafHash = (leafText: string): Buffer => hash('sha256', `\u0000${leafText}`, 'buffer');

// One buffer for every interior node: hashing is synchronous, and a verifier hashes as many
// nodes as leaves, so not allocating each input is a third of the node cost.
const nodeInput = Buffer.alloc(65, 0x01);

export const nodeHash = (left: Buffer, right: Buffer): Buffer => {
  left.copy(nodeInput, 1, 0, 32);
  right.copy(nodeInput, 33, 0, 32);
  return hash('sha256', nodeInput, 'buffer');
};

/** RFC 9162's hash of an empty tree, SHA-256 of nothing; a seal never covers zero events. */
const EMPTY_ROOT = hash('sha256', '', 'buffer');

/**
 * The root, folding left to right: equal-sized complete subtrees merge as soon as they pair
 * up, and the leftovers fold from the right at the end, which is RFC 6962's split rule done
 * without recursion (one hash per interior node, nothing copied).
 */
export const merkleRoot = (leaves: readonly Buffer[]): Buffer => {
  if (leaves.length === 0) return EMPTY_ROOT;
  const stack: Buffer[] = [];
  for (let index = 0; index < leaves.length; index++) {
    stack.push(leaves[index]);
    for (let size = index + 1; (size & 1) === 0; size >>= 1) {
      const right = stack.pop()!;
      stack.push(nodeHash(stack.pop()!, right));
    }
  }
  let root = stack.pop()!;
  while (stack.length > 0) root = nodeHash(stack.pop()!, root);
  return root;
};

/** RFC 6962 §2.1.1 PATH(m, D[n]): the sibling hashes from leaf `index` up to the root. */
export const inclusionPath = (leaves: readonly Buffer[], index: number): Buffer[] => {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new RangeError(`leaf ${index} is not in a tree of ${leaves.length} leaves`);
  }
  if (leaves.length === 1) return [];
  const split = largestPowerOfTwoBelow(leaves.length);
  return index < split
    ? [...inclusionPath(leaves.slice(0, split), index), merkleRoot(leaves.slice(split))]
    : [...inclusionPath(leaves.slice(split), index - split), merkleRoot(leaves.slice(0, split))];
};

const largestPowerOfTwoBelow = (n: number): number => {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
};
