import type { FieldFormat, MaskRule } from './catalog.js';

/** What a row's values are made of, as far as one field can reveal another's part. */
type Fact = 'region' | 'birthDate' | 'sequence' | 'sex' | 'check';

const ID_NUMBER_FACTS: readonly Fact[] = ['region', 'birthDate', 'sequence', 'sex', 'check'];

/**
 * The facts of a row a field's values give away under a mask. MASK keeps an ID number's region
 * and its last four characters (the sequence, whose last digit is the sex, and the check
 * character): everything but the birth date. A sex has two values: masked to `M**E`/`F****E` or
 * hashed, it is still told apart, so only REDACT hides it. HASH is keyed: a hashed birth date or
 * ID number gives nothing away.
 */
const factsOf = (format: FieldFormat | undefined, mask: MaskRule): readonly Fact[] => {
  switch (format) {
    case 'ID_NUMBER':
      return mask === 'NONE' ? ID_NUMBER_FACTS : mask === 'MASK' ? ['region', 'sequence', 'sex', 'check'] : [];
    case 'BIRTH_DATE':
      return mask === 'NONE' ? ['birthDate'] : [];
    case 'SEX':
      return mask === 'REDACT' ? [] : ['sex'];
    case 'CREDIT_CODE':
    case undefined:
      return [];
    default: {
      const exhaustive: never = format;
      return exhaustive;
    }
  }
};

/** A field as a reader holds it: its format, and the least masking rule it may read it under. */
export interface ReadableField {
  name: string;
  format?: FieldFormat;
  mask: MaskRule;
}

/** A masked field whose value the reader's other fields give back. */
export interface RebuiltField {
  field: string;
  mask: MaskRule;
  /** The other fields that give away what its mask hides. */
  from: string[];
}

/**
 * The masked fields of one row that the reader can rebuild from the other fields it reads (an
 * ID number under MASK and the birth date in clear; a redacted sex and an ID number under MASK):
 * a mask that hides nothing the reader cannot see elsewhere. A contract that asks for such a
 * combination is refused, and a decision withholds such a field from a reader holding it.
 */
export const rebuiltFields = (fields: readonly ReadableField[]): RebuiltField[] =>
  fields.flatMap((field) => {
    if (field.mask === 'NONE') return [];
    const whole = factsOf(field.format, 'NONE');
    if (whole.length === 0) return [];
    const kept = new Set(factsOf(field.format, field.mask));
    const from = fields.filter(
      (other) => other.name !== field.name && factsOf(other.format, other.mask).some((fact) => whole.includes(fact) && !kept.has(fact)),
    );
    const revealed = new Set([...kept, ...from.flatMap((other) => factsOf(other.format, other.mask))]);
    return whole.every((fact) => revealed.has(fact)) ? [{ field: field.name, mask: field.mask, from: from.map((f) => f.name) }] : [];
  });

/** `idNumber (MASK) is rebuilt from birthDate` and the like, for a refusal's reason. */
export const describeRebuilt = (rebuilt: readonly RebuiltField[]): string =>
  rebuilt
    .map((r) => (r.from.length > 0 ? `${r.field} (${r.mask}) is rebuilt from ${r.from.join(' and ')}` : `${r.field} (${r.mask}) still shows its value`))
    .join('; ');
