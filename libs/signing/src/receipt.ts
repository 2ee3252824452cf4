import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strictly } from './base64.js';
import { canonicalJson } from './canonical-json.js';
import { assertEd25519, ED25519_SIGNATURE_BYTES, publicKeyFromPem } from './key-pair.js';

/**
 * A receipt a citizen keeps and checks offline (after the Kantara consent receipt and the DEPA
 * consent artefact). The payload travels as the very text that was signed, not as an object to
 * re-serialise, so any JSON library can read it and any Ed25519 library can verify its UTF-8
 * bytes with the platform's public key.
 */
export interface SignedReceipt {
  /** The canonical (RFC 8785) JSON that was signed. */
  payload: string;
  /** Ed25519 signature of the payload's UTF-8 bytes, base64 (with padding). */
  signature: string;
}

export const signReceipt = (payload: object, privateKey: KeyObject): SignedReceipt => {
  assertEd25519(privateKey, 'the receipt signing key');
  if (Array.isArray(payload)) throw new TypeError('a receipt payload is a JSON object, not an array');
  const text = canonicalJson(payload);
  return { payload: text, signature: sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64') };
};

/**
 * Whether `receipt` was signed by the key of `publicKeyPem` and not altered since. A key that
 * cannot be read throws (it is the verifier's mistake, not the receipt's); every flaw in the
 * receipt itself, including a signature in a non-canonical encoding, answers false.
 */
export const verifyReceipt = (receipt: SignedReceipt, publicKeyPem: string): boolean => {
  const publicKey = publicKeyFromPem(publicKeyPem);
  if (typeof receipt?.payload !== 'string' || typeof receipt.signature !== 'string') return false;
  const signature = decodeBase64Strictly(receipt.signature, 'base64');
  if (signature?.length !== ED25519_SIGNATURE_BYTES) return false;
  return verify(null, Buffer.from(receipt.payload, 'utf8'), publicKey, signature);
};
