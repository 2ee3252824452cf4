/** Catalog vocabulary shared by datasets, contracts and consents. */
export const SHARING_TYPES = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'] as const;
export type SharingType = (typeof SHARING_TYPES)[number];

export const CLASSIFICATIONS = ['PUBLIC', 'INTERNAL', 'SENSITIVE', 'PERSONAL', 'SENSITIVE_PERSONAL'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const MASK_RULES = ['NONE', 'MASK', 'HASH', 'REDACT'] as const;
export type MaskRule = (typeof MASK_RULES)[number];

/** What a contract or consent decision needs to know of a dataset, as its stream stands. */
export interface DatasetView {
  code: string;
  providerDepartment: string;
  sharingType: SharingType;
  /** The fields of the current schema version, with their classification. */
  fields: ReadonlyArray<{ name: string; classification: Classification }>;
}
