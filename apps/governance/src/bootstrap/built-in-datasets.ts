import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { DatasetField, SharingType } from '@shuzhi/governance-events';
import type { CompatibilityMode } from '@shuzhi/schema-registry';
import type { CommandActor } from '@shuzhi/shared-kernel';
import { PublishDataset } from '../commands/dataset.commands.js';
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

/**
 * Publishes the built-in datasets not yet in the catalog (registering their provider
 * departments where needed), as the platform on the providers' behalf. Answers the codes it
 * published; a later start publishes nothing, and a changed file becomes a schema version
 * through the steward, never silently here.
 */
export const publishBuiltInDatasets = async (app: INestApplicationContext, datasets: readonly BuiltInDataset[]): Promise<string[]> => {
  const { store } = app.get<GovernanceConfig>(GOVERNANCE_CONFIG);
  const commands = app.get(CommandBus);
  const origin = { actor: FIRST_START, correlationId: 'built-in-datasets' };
  const exists = async (streamId: string) => (await store.readStream(streamId, { untilVersion: 0 })).length > 0;
  const published: string[] = [];
  for (const dataset of datasets) {
    if (await exists(datasetStreamId(dataset.code))) continue;
    const provider = dataset.providerDepartment;
    if (!(await exists(departmentStreamId(provider.code)))) {
      await commands.execute(new RegisterDepartment(origin, provider.code, provider.name));
    }
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
    published.push(dataset.code);
  }
  return published;
};
