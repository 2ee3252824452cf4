import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { DatasetField, SharingType } from '@shuzhi/governance-events';
import { fieldsBySubgraph, readSupergraphTopology } from '@shuzhi/policy';
import type { CompatibilityMode } from '@shuzhi/schema-registry';
import type { CommandActor } from '@shuzhi/shared-kernel';
import { PublishDataset } from '../commands/dataset.commands.js';
import { RegisterSubgraph } from '../commands/register-subgraph.js';
import { RegisterDepartment } from '../commands/registry.commands.js';
import { datasetStreamId } from '../domain/dataset/dataset.decider.js';
import { departmentStreamId } from '../domain/registry/registry.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';

/**
 * A built-in dataset as `schemas/<domain>/<name>.dataset.json` describes it; its JSON Schema
 * is the file `schema` names, beside it.
 */
export interface BuiltInDataset {
  code: string;
  name: string;
  summary?: string;
  providerDepartment: { code: string; name: string };
  sharingType: SharingType;
  updateCycle?: string;
  graphqlType: string;
  compatibility?: CompatibilityMode;
  fields: DatasetField[];
  schema: unknown;
}

/** Every `*.dataset.json` under `dir`, with its schema read in. */
export const readBuiltInDatasets = async (dir: string): Promise<BuiltInDataset[]> => {
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.dataset.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      const description = JSON.parse(await readFile(path, 'utf8')) as Omit<BuiltInDataset, 'schema'> & { schema: string };
      const schema = JSON.parse(await readFile(join(dirname(path), description.schema), 'utf8'));
      return { ...description, schema };
    }),
  );
};

const FIRST_START: CommandActor = { clientId: 'system', department: 'data-bureau', roles: ['PLATFORM'] };

/** The catalog the platform ships: its datasets, and the supergraph its subgraphs compose into. */
export interface BuiltInCatalog {
  datasets: readonly BuiltInDataset[];
  /** `schemas/supergraph.graphql`: which subgraph resolves which field. */
  supergraphSdl: string;
  /** The platform's own subgraphs and the departments that own them. */
  subgraphs: ReadonlyArray<{ name: string; department: string }>;
}

/** The catalog of a schemas folder: its datasets and `supergraph.graphql`. */
export const readBuiltInCatalog = async (dir: string, subgraphs: BuiltInCatalog['subgraphs']): Promise<BuiltInCatalog> => ({
  datasets: await readBuiltInDatasets(dir),
  supergraphSdl: await readFile(join(dir, 'supergraph.graphql'), 'utf8'),
  subgraphs,
});

/**
 * The platform's first start (and every later one), as the platform on the departments' behalf:
 * registers the providers' departments, registers each built-in subgraph with its department and
 * the fields the supergraph says it resolves (a later start records a changed schema, and
 * nothing else), then publishes the built-in datasets not yet in the catalog. Answers what it
 * did; a changed dataset file becomes a schema version through the steward, never silently here.
 */
export const bootstrapCatalog = async (
  app: INestApplicationContext,
  catalog: BuiltInCatalog,
): Promise<{ subgraphs: string[]; datasets: string[] }> => {
  const { store } = app.get<GovernanceConfig>(GOVERNANCE_CONFIG);
  const commands = app.get(CommandBus);
  const origin = { actor: FIRST_START, correlationId: 'built-in-catalog' };
  const exists = async (streamId: string) => (await store.readStream(streamId, { untilVersion: 0 })).length > 0;
  for (const { providerDepartment: provider } of catalog.datasets) {
    if (!(await exists(departmentStreamId(provider.code)))) {
      await commands.execute(new RegisterDepartment(origin, provider.code, provider.name));
    }
  }
  const resolved = fieldsBySubgraph(readSupergraphTopology(catalog.supergraphSdl));
  const subgraphs: string[] = [];
  for (const { name, department } of catalog.subgraphs) {
    const fields = resolved.get(name);
    if (!fields) continue;
    const result = await commands.execute(new RegisterSubgraph(origin, name, department, { fields }));
    if (result.events.length > 0) subgraphs.push(name);
  }
  const datasets: string[] = [];
  for (const dataset of catalog.datasets) {
    if (await exists(datasetStreamId(dataset.code))) continue;
    const provider = dataset.providerDepartment;
    await commands.execute(
      new PublishDataset(origin, {
        code: dataset.code,
        name: dataset.name,
        summary: dataset.summary ?? null,
        providerDepartment: provider.code,
        sharingType: dataset.sharingType,
        updateCycle: dataset.updateCycle ?? null,
        graphqlType: dataset.graphqlType,
        compatibility: dataset.compatibility ?? null,
        fields: dataset.fields,
        schema: dataset.schema,
      }),
    );
    datasets.push(dataset.code);
  }
  return { subgraphs, datasets };
};
