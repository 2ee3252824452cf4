/**
 * Decodes base64 or base64url, or returns undefined when `text` is not the one canonical
 * encoding of its bytes. Buffer.from() skips foreign characters and ignores leftover bits, so
 * without this check many different strings would pass for the same signature.
 */
export const decodeBase64Strictly = (text: string, encoding: 'base64' | 'base64url'): Buffer | undefined => {
  const bytes = Buffer.from(text, encoding);
  return bytes.toString(encoding) === text ? bytes : undefined;
};
