/** Catalog vocabulary shared by datasets, contracts and consents. */
export const SHARING_TYPES = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'] as const;
export type SharingType = (typeof SHARING_TYPES)[number];

export const CLASSIFICATIONS = ['PUBLIC', 'INTERNAL', 'SENSITIVE', 'PERSONAL', 'SENSITIVE_PERSONAL'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/**
 * What a field's value is made of, where another field can reveal part of it: the catalog says
 * so, and masks and contracts reason with it.
 * - `ID_NUMBER`: a citizen identity number (GB 11643): division code (6), birth date (8),
 *   sequence (3, its last digit odd for men) and an ISO 7064 MOD 11-2 check character.
 * - `CREDIT_CODE`: a unified social credit code (GB 32100): registration authority and kind (2),
 *   division code (6), organisation code (9) and a check character.
 * - `BIRTH_DATE`: the birth date an ID number of the same row carries.
 * - `SEX`: the sex the parity of that ID number's sequence carries.
 */
export const FIELD_FORMATS = ['ID_NUMBER', 'CREDIT_CODE', 'BIRTH_DATE', 'SEX'] as const;
export type FieldFormat = (typeof FIELD_FORMATS)[number];

export const MASK_RULES = ['NONE', 'MASK', 'HASH', 'REDACT'] as const;
export type MaskRule = (typeof MASK_RULES)[number];

/** What a contract or consent decision needs to know of a dataset, as its stream stands. */
export interface DatasetView {
  code: string;
  providerDepartment: string;
  sharingType: SharingType;
  /** The fields of the current schema version, with their classification. */
  fields: ReadonlyArray<{ name: string; classification: Classification; format?: FieldFormat }>;
}

/**
 * The field through which a row says which administrative division it lies in (a resident by
 * household, an enterprise by registered address): what a contract's `divisionScope` is
 * checked against, row by row. A dataset without it cannot be served under a scope.
 */
export const DIVISION_CODE_FIELD = 'divisionCode';
