import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import type { DatasetEvent, DatasetField } from '@shuzhi/governance-events';

/** The catalog as browsed: each dataset with its current fields and every schema version. */
@Entity('datasets')
export class DatasetRow {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) providerDepartment!: string;
  @Column({ type: 'text', nullable: true }) summary!: string | null;
  @Column({ type: 'text' }) sharingType!: string;
  @Column({ type: 'text', nullable: true }) updateCycle!: string | null;
  @Column({ type: 'text' }) graphqlType!: string;
  @Column({ type: 'text' }) compatibility!: string;
  @Column({ type: 'jsonb' }) fields!: DatasetField[];
  @Column({ type: 'jsonb' }) schemaVersions!: Array<{ version: number; schema: unknown; registeredAt: string }>;
  @Column({ type: 'integer' }) streamVersion!: number;
  @Column({ type: 'timestamptz' }) publishedAt!: Date;
}

export const datasetsProjection: Projection<DatasetRow> = {
  name: 'governance.datasets',
  version: 1,
  entity: DatasetRow,
  streamPrefix: 'dataset-',
  keysOf: (event) => [event.streamId.slice('dataset-'.length)],
  evolve: (row, recorded) => {
    const event = recorded as unknown as DatasetEvent;
    switch (event.type) {
      case 'DatasetPublished': {
        const { by: _by, at, ...metadata } = event.data;
        return { ...metadata, fields: [], schemaVersions: [], streamVersion: recorded.streamVersion, publishedAt: new Date(at) };
      }
      case 'SchemaVersionRegistered':
        return (
          row && {
            ...row,
            fields: event.data.fields,
            schemaVersions: [...row.schemaVersions, { version: event.data.version, schema: event.data.schema, registeredAt: event.data.at }],
            streamVersion: recorded.streamVersion,
          }
        );
    }
  },
};
