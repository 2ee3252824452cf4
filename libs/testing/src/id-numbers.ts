/**
 * A resident ID number (GB 11643) from its first 17 digits: the check character appended, so
 * that a test can make as many valid numbers as it needs (the sequence digits' parity is the sex).
 */
export const idNumberOf = (first17: string): string => {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  return first17 + '10X98765432'[sum % 11];
};
