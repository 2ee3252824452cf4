import { graphql } from '../api/graphql-client.js';
import type { Classification, Dataset } from '../api/models.js';
import { DATASETS } from '../api/operations.js';

export const loadDatasets = async (apiKey: string): Promise<Dataset[]> => (await graphql<{ datasets: Dataset[] }>(apiKey, DATASETS)).datasets;

/** Each dataset's fields by name, with their classification: for highlighting a contract's fields. */
export const classificationsOf = (datasets: readonly Dataset[] | undefined): ReadonlyMap<string, ReadonlyMap<string, Classification>> =>
  new Map((datasets ?? []).map((d) => [d.code, new Map(d.fields.map((f) => [f.name, f.classification]))]));

/** A local date-time input's value for a moment: `YYYY-MM-DDTHH:mm`, or with `:ss` for an input whose step is a second. */
export const localInputValue = (date: Date, toTheSecond = false): string => {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, toTheSecond ? 19 : 16);
};

/** A local date-time input's value as an ISO instant, or null when empty. */
export const instantOf = (value: string): string | null => (value ? new Date(value).toISOString() : null);
