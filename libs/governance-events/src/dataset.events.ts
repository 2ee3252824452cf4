import type { CompatibilityMode, JsonSchema } from '@shuzhi/schema-registry';
import type { RecordedActor } from '@shuzhi/shared-kernel';
import type { Classification, FieldFormat, SharingType } from './catalog.js';

export interface DatasetField {
  name: string;
  classification: Classification;
  /** What the value is made of, where it matters for inference (absent: nothing known). */
  format?: FieldFormat;
}

/** Catalog metadata, after the government information-resource catalog (政务信息资源目录). */
export interface DatasetMetadata {
  code: string;
  name: string;
  providerDepartment: string;
  summary: string | null;
  sharingType: SharingType;
  updateCycle: string | null;
  /** The GraphQL type whose fields this dataset governs at the gateway. */
  graphqlType: string;
  compatibility: CompatibilityMode;
}

/** A steward published the dataset to the catalog, with its first schema version. */
export type DatasetPublished = {
  type: 'DatasetPublished';
  data: DatasetMetadata & { by: RecordedActor; at: string };
};
/** A new version of the dataset's JSON Schema passed the compatibility and use checks. */
export type SchemaVersionRegistered = {
  type: 'SchemaVersionRegistered';
  data: { datasetCode: string; version: number; schema: JsonSchema; fields: DatasetField[]; by: RecordedActor; at: string };
};
export type DatasetEvent = DatasetPublished | SchemaVersionRegistered;
export const DATASET_EVENT_TYPES: ReadonlyArray<DatasetEvent['type']> = ['DatasetPublished', 'SchemaVersionRegistered'];

