import { ValidationFailed, isProvincePrefix } from '@shuzhi/shared-kernel';
import { isCalendarDate } from '../calendar.js';
import type { Gender } from '@shuzhi/population-events';

/**
 * The citizen identity number of GB 11643-1999: a 6-digit administrative division code (where
 * the number was first issued), the 8-digit birth date, a 3-digit sequence whose parity is the
 * holder's sex (odd male, even female), and a check character by ISO 7064 MOD 11-2.
 *
 * Refusals never repeat the whole number: it is SENSITIVE_PERSONAL, and messages end up in logs.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Indexed by the weighted sum mod 11. */
const CHECK_CHARACTERS = '10X98765432';
const FORMAT = /^\d{17}[\dX]$/;
/** The 18-digit numbers began in 1999 but were issued to everyone living, born from the 1880s on. */
const EARLIEST_BIRTH_DATE = '1800-01-01';

export interface IdNumberParts {
  /** Normalised: no surrounding spaces, upper-case X. */
  idNumber: string;
  divisionCode: string;
  birthDate: string;
  sequence: number;
  gender: Gender;
}

/** The check character of the first 17 digits. */
export const checkCharacter = (first17: string): string => {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
};

/** People and forms write the check character as a lower-case x, and paste numbers with spaces around. */
export const normalizeIdNumber = (raw: string): string => raw.trim().toUpperCase();

const refuse = (reason: string) => new ValidationFailed(`ID number refused: ${reason}`, { field: 'idNumber' });

/** The parts of a valid ID number, or ValidationFailed saying what is wrong. `today` is a `YYYY-MM-DD` date. */
export const parseIdNumber = (raw: string, today: string): IdNumberParts => {
  const idNumber = normalizeIdNumber(raw ?? '');
  if (!FORMAT.test(idNumber)) {
    throw refuse(`it must be 18 characters, 17 digits and a check character (a digit or X); got ${idNumber.length} characters`);
  }
  const expected = checkCharacter(idNumber);
  if (idNumber[17] !== expected) {
    throw refuse(`its check character is ${idNumber[17]}, but the first 17 digits give ${expected} (GB 11643, ISO 7064 MOD 11-2): a digit is probably mistyped`);
  }
  const divisionCode = idNumber.slice(0, 6);
  // Only the province: a number keeps the county code it was first issued under, and counties
  // are merged and renumbered over the years (下城区 330103 was merged away in 2021), so a list
  // of today's counties would refuse real people.
  if (!isProvincePrefix(divisionCode)) throw refuse(`its division code starts with ${divisionCode.slice(0, 2)}, which is no province`);
  const digits = idNumber.slice(6, 14);
  const birthDate = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (!isCalendarDate(birthDate)) throw refuse(`its birth date ${digits} is not a calendar date`);
  if (birthDate > today) throw refuse(`its birth date ${birthDate} is in the future`);
  if (birthDate < EARLIEST_BIRTH_DATE) throw refuse(`its birth date ${birthDate} is before ${EARLIEST_BIRTH_DATE}`);
  const sequence = Number(idNumber.slice(14, 17));
  return { idNumber, divisionCode, birthDate, sequence, gender: sequence % 2 === 1 ? 'MALE' : 'FEMALE' };
};
