import { Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { In } from 'typeorm';
import { aggregateStream, type CommandResult, type RecordedOf } from '@shuzhi/event-store';
import {
  contractStatusAfter,
  type ContractEvent,
  type ContractStatus,
  type DatasetField,
  type DepartmentRegistered,
} from '@shuzhi/governance-events';
import { Forbidden, hasRole } from '@shuzhi/shared-kernel';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, actorOf } from '@shuzhi/subgraph';
import type { CommandOrigin } from '../commands/command-metadata.js';
import { DecideConsent, GrantConsent } from '../commands/consent.commands.js';
import { PublishDataset, RegisterSchemaVersion } from '../commands/dataset.commands.js';
import { IssueClientKey, RegisterDepartment, RegisterPurpose, RevokeClientKey } from '../commands/registry.commands.js';
import { DecideSharingContract, GrantReturnFlowContract, SubmitSharingContract } from '../commands/sharing-contract.commands.js';
import { datasetDecider, datasetStreamId } from '../domain/dataset/dataset.decider.js';
import type { DepartmentState } from '../domain/registry/registry.decider.js';
import { contractDecider, contractStreamId } from '../domain/sharing-contract/contract.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { ConsentRow } from '../projections/consent.projection.js';
import { ContractRow } from '../projections/contract.projection.js';
import { DatasetRow } from '../projections/dataset.projection.js';
import { ClientRow, DepartmentRow, PurposeRow } from '../projections/registry.projections.js';
import { CheckSchemaVersion } from '../queries/check-schema-version.js';
import { consentsVisibleTo, mayListClients, mayReadContract, seesEverything } from '../queries/read-access.js';
import type { RegisteredDepartment } from '../commands/governance-facts.js';
import { GovernanceMappers, departmentOfRow, type ContractView } from './governance.mappers.js';
import {
  CallerIdentity,
  Client,
  Consent,
  ContractHistoryEntry,
  Dataset,
  DatasetFieldInput,
  Department,
  GrantConsentInput,
  GrantReturnFlowContractInput,
  IssueClientKeyInput,
  IssuedKey,
  PublishDatasetInput,
  Purpose,
  RegisterDepartmentInput,
  RegisterPurposeInput,
  RegisterSchemaVersionInput,
  SchemaVersionCheck,
  SharingContract,
  SharingContractFilter,
  SubmitSharingContractInput,
} from './governance.models.js';

const originOf = (caller: CallerContext): CommandOrigin => ({ actor: actorOf(caller), correlationId: caller.correlationId });

/** Fields as the catalog keeps them: a format given as null is no format. */
const catalogued = (fields: readonly DatasetFieldInput[]): DatasetField[] =>
  fields.map(({ name, classification, format }) => ({ name, classification, ...(format ? { format } : {}) }));

/** Departments, purposes and client keys: the data bureau's registries. */
@Resolver()
export class RegistryResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
  ) {}

  @Mutation(() => Department, { description: 'PLATFORM. Without a division the department serves the whole platform\'s area.' })
  async registerDepartment(@Caller() caller: CallerContext, @Args('input') input: RegisterDepartmentInput): Promise<Department> {
    const area = { level: input.level ?? null, divisionCode: input.divisionCode ?? null };
    const result: CommandResult<DepartmentRegistered, DepartmentState> = await this.commands.execute(
      new RegisterDepartment(originOf(caller), input.code, input.name, area),
    );
    const { code, name, level, divisionCode } = result.state as RegisteredDepartment;
    return { code, name, level, divisionCode };
  }

  @Query(() => CallerIdentity, { description: 'Who the key in use is: its client, department and roles.' })
  whoAmI(@Caller() caller: CallerContext): CallerIdentity {
    return { clientId: caller.clientId, department: caller.department, roles: [...caller.roles] };
  }

  @Query(() => [Department])
  async departments(): Promise<Department[]> {
    return (await this.config.dataSource.manager.find(DepartmentRow, { order: { code: 'ASC' } })).map(departmentOfRow);
  }

  @Mutation(() => Purpose)
  async registerPurpose(@Caller() caller: CallerContext, @Args('input') input: RegisterPurposeInput): Promise<Purpose> {
    await this.commands.execute(new RegisterPurpose(originOf(caller), input.code, input.name, input.description ?? null));
    return { code: input.code, name: input.name.trim(), description: input.description?.trim() || null };
  }

  @Query(() => [Purpose])
  purposes(): Promise<Purpose[]> {
    return this.config.dataSource.manager.find(PurposeRow, { order: { code: 'ASC' } });
  }

  @Mutation(() => IssuedKey)
  issueClientKey(@Caller() caller: CallerContext, @Args('input') input: IssueClientKeyInput): Promise<IssuedKey> {
    return this.commands.execute(new IssueClientKey(originOf(caller), input.departmentCode, input.name, input.roles));
  }

  @Mutation(() => Boolean, { description: 'The key stops working; true once revoked.' })
  async revokeClientKey(
    @Caller() caller: CallerContext,
    @Args('clientId', { type: () => ID }) clientId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<boolean> {
    await this.commands.execute(new RevokeClientKey(originOf(caller), clientId, reason));
    return true;
  }

  @Query(() => [Client])
  clients(
    @Caller() caller: CallerContext,
    @Args('departmentCode', { type: () => String, nullable: true }) departmentCode?: string,
  ): Promise<Client[]> {
    if (!mayListClients(actorOf(caller), departmentCode)) {
      throw new Forbidden('only the platform lists clients; a steward lists its own department\'s');
    }
    return this.config.dataSource.manager.find(ClientRow, {
      where: departmentCode ? { departmentCode } : {},
      order: { issuedAt: 'ASC' },
    });
  }
}

/** Departments wherever another subgraph names one (the audit's `whoCouldRead`): what governance adds is their area. */
@Resolver(() => Department)
export class DepartmentResolver {
  constructor(private readonly mappers: GovernanceMappers) {}

  @ResolveReference()
  async resolveReference(reference: { __typename: 'Department'; code: string }): Promise<Department> {
    return (await this.mappers.departments([reference.code])).get(reference.code)!;
  }
}

/** The catalog and its schema registry. */
@Resolver(() => Dataset)
export class DatasetResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly mappers: GovernanceMappers,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
  ) {}

  @Mutation(() => Dataset)
  async publishDataset(@Caller() caller: CallerContext, @Args('input') input: PublishDatasetInput): Promise<Dataset> {
    await this.commands.execute(
      new PublishDataset(originOf(caller), {
        code: input.code,
        name: input.name,
        providerDepartment: input.providerDepartmentCode ?? undefined,
        summary: input.summary ?? null,
        sharingType: input.sharingType,
        updateCycle: input.updateCycle ?? null,
        graphqlType: input.graphqlType,
        fields: catalogued(input.fields),
        schema: input.schema,
        compatibility: input.compatibility ?? null,
      }),
    );
    return (await this.dataset(input.code))!;
  }

  @Mutation(() => Dataset, { description: 'Refused with INCOMPATIBLE_SCHEMA when incompatible or when it breaks a grant in force.' })
  async registerSchemaVersion(@Caller() caller: CallerContext, @Args('input') input: RegisterSchemaVersionInput): Promise<Dataset> {
    await this.commands.execute(new RegisterSchemaVersion(originOf(caller), input.datasetCode, input.schema, catalogued(input.fields ?? [])));
    return (await this.dataset(input.datasetCode))!;
  }

  @Query(() => SchemaVersionCheck, { description: 'registerSchemaVersion\'s verdict, registering nothing.' })
  checkSchemaVersion(@Caller() caller: CallerContext, @Args('input') input: RegisterSchemaVersionInput): Promise<SchemaVersionCheck> {
    return this.queries.execute(new CheckSchemaVersion(new RegisterSchemaVersion(originOf(caller), input.datasetCode, input.schema, catalogued(input.fields ?? []))));
  }

  @Query(() => Dataset, { nullable: true })
  async dataset(@Args('code') code: string): Promise<Dataset | null> {
    return this.mappers.dataset(await aggregateStream(this.config.store, datasetStreamId(code), datasetDecider));
  }

  @Query(() => [Dataset])
  async datasets(): Promise<Dataset[]> {
    const rows = await this.config.dataSource.manager.find(DatasetRow, { select: { code: true }, order: { code: 'ASC' } });
    const datasets = await Promise.all(rows.map((row) => this.dataset(row.code)));
    return datasets.filter((d): d is Dataset => d !== null);
  }
}

/** Sharing contracts: requests, reviews and their lifecycle. */
@Resolver(() => SharingContract)
export class SharingContractResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly mappers: GovernanceMappers,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
  ) {}

  private async answer(result: { state: unknown; version: number }): Promise<SharingContract> {
    const [contract] = await this.mappers.contracts([{ ...(result.state as Omit<ContractView, 'version'>), version: result.version }]);
    return contract;
  }

  private decide(caller: CallerContext, id: string, transition: DecideSharingContract['transition']) {
    return this.commands.execute(new DecideSharingContract(originOf(caller), id, transition)).then((r) => this.answer(r));
  }

  @Mutation(() => SharingContract, { description: 'The caller\'s department is the consumer.' })
  async submitSharingContract(@Caller() caller: CallerContext, @Args('input') input: SubmitSharingContractInput): Promise<SharingContract> {
    const result = await this.commands.execute(
      new SubmitSharingContract(originOf(caller), {
        ...input,
        validFrom: input.validFrom.toISOString(),
        validTo: input.validTo.toISOString(),
      }),
    );
    return this.answer(result);
  }

  @Mutation(() => SharingContract, {
    description:
      'PLATFORM. A standing 回流 contract for a district\'s or street\'s office: scoped to its division, ACTIVE at once, ' +
      'its history beginning with ReturnFlowContractGranted. VALIDATION_FAILED for a department without a division.',
  })
  async grantReturnFlowContract(@Caller() caller: CallerContext, @Args('input') input: GrantReturnFlowContractInput): Promise<SharingContract> {
    const result = await this.commands.execute(
      new GrantReturnFlowContract(originOf(caller), {
        ...input,
        validFrom: input.validFrom?.toISOString() ?? null,
        validTo: input.validTo.toISOString(),
      }),
    );
    return this.answer(result);
  }

  @Mutation(() => SharingContract, {
    description:
      'PLATFORM. statutoryBasis: the reviewer found the law that lets the request\'s sensitive personal fields be shared without ' +
      'consent (PIPL art. 13, 28–29); a request for such fields without consent is approved only with it.',
  })
  completeComplianceReview(
    @Caller() caller: CallerContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('approved') approved: boolean,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @Args('statutoryBasis', { type: () => Boolean, nullable: true }) statutoryBasis: boolean | null,
  ) {
    return this.decide(caller, id, {
      type: 'CompleteComplianceReview',
      actor: actorOf(caller),
      approved,
      reason: reason ?? null,
      statutoryBasis: statutoryBasis ?? false,
    });
  }

  @Mutation(() => SharingContract)
  approveSharingContract(
    @Caller() caller: CallerContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.decide(caller, id, { type: 'ApproveContract', actor: actorOf(caller), reason: reason ?? null });
  }

  @Mutation(() => SharingContract)
  rejectSharingContract(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.decide(caller, id, { type: 'RejectContract', actor: actorOf(caller), reason });
  }

  @Mutation(() => SharingContract)
  suspendSharingContract(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.decide(caller, id, { type: 'SuspendContract', actor: actorOf(caller), reason });
  }

  @Mutation(() => SharingContract)
  resumeSharingContract(
    @Caller() caller: CallerContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.decide(caller, id, { type: 'ResumeContract', actor: actorOf(caller), reason: reason ?? null });
  }

  @Mutation(() => SharingContract)
  revokeSharingContract(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.decide(caller, id, { type: 'RevokeContract', actor: actorOf(caller), reason });
  }

  @Query(() => SharingContract, { nullable: true, description: 'Read from its stream: always as of the last command.' })
  async sharingContract(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string): Promise<SharingContract | null> {
    const { state, version, events } = await aggregateStream(this.config.store, contractStreamId(id), contractDecider);
    if (state.status === 'NONE') return null;
    if (!mayReadContract(actorOf(caller), state.terms)) {
      throw new Forbidden('a contract is visible to its two departments, the data bureau and auditors');
    }
    const [contract] = await this.mappers.contracts([{ ...state, version }]);
    return { ...contract, history: historyOf(events) };
  }

  @Query(() => [SharingContract])
  async sharingContracts(
    @Caller() caller: CallerContext,
    @Args('filter', { type: () => SharingContractFilter, nullable: true }) filter?: SharingContractFilter,
  ): Promise<SharingContract[]> {
    const actor = actorOf(caller);
    const where = {
      ...(filter?.status ? { status: filter.status } : {}),
      ...(filter?.datasetCode ? { datasetCode: filter.datasetCode } : {}),
      ...(filter?.consumer ? { consumerDepartment: filter.consumer } : {}),
      ...(filter?.provider ? { providerDepartment: filter.provider } : {}),
    };
    // Outside the bureau and auditors, a department sees the contracts it is party to: as
    // consumer or as provider, each only where the filter allows it.
    const own = actor.department;
    const scoped = seesEverything(actor)
      ? [where]
      : [
          ...(!filter?.consumer || filter.consumer === own ? [{ ...where, consumerDepartment: own }] : []),
          ...(!filter?.provider || filter.provider === own ? [{ ...where, providerDepartment: own }] : []),
        ];
    if (scoped.length === 0) return [];
    const rows = await this.config.dataSource.manager.find(ContractRow, { where: scoped, order: { submittedAt: 'ASC' } });
    return this.mappers.contracts(rows.map(rowView));
  }

  @Query(() => [SharingContract], { description: 'Reviews past their deadline (the data bureau\'s escalations).' })
  async overdueReviews(@Caller() caller: CallerContext): Promise<SharingContract[]> {
    if (!hasRole(actorOf(caller), 'PLATFORM')) throw new Forbidden('overdue reviews are escalated to the data bureau (PLATFORM role)');
    const rows = await this.config.dataSource.manager.find(ContractRow, {
      where: { reviewOverdue: true, status: In(['COMPLIANCE_REVIEW', 'PROVIDER_REVIEW']) },
      order: { reviewDeadline: 'ASC' },
    });
    return this.mappers.contracts(rows.map(rowView));
  }

  @ResolveField(() => [ContractHistoryEntry])
  async history(@Parent() contract: SharingContract): Promise<ContractHistoryEntry[]> {
    return contract.history ?? historyOf((await aggregateStream(this.config.store, contract.streamId, contractDecider)).events);
  }
}

const rowView = (row: ContractRow): ContractView => ({
  terms: row.terms,
  status: row.status,
  review: row.reviewStage ? { stage: row.reviewStage, deadline: row.reviewDeadline!, overdue: row.reviewOverdue } : null,
  version: row.streamVersion,
});

const historyOf = (events: readonly RecordedOf<ContractEvent>[]): ContractHistoryEntry[] => {
  let status: ContractStatus = 'SUBMITTED';
  return events.map((recorded) => {
    const data = recorded.data as { by?: { clientId: string; department: string; role: string }; at?: string; reason?: string | null; stage?: string; deadline?: string };
    status = contractStatusAfter(recorded, status);
    return {
      version: recorded.streamVersion,
      type: recorded.type,
      status,
      at: new Date(data.at ?? recorded.recordedAt),
      by: data.by ?? null,
      reason: data.reason ?? null,
      stage: data.stage ?? null,
      deadline: data.deadline ? new Date(data.deadline) : null,
    };
  });
};

/** Consents and their receipts: the citizen channel's part. */
@Resolver(() => Consent)
export class ConsentResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly mappers: GovernanceMappers,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
  ) {}

  @Mutation(() => Consent, { description: 'CITIZEN_CHANNEL only; the receipt verifies offline with consentReceiptPublicKey.' })
  async grantConsent(@Caller() caller: CallerContext, @Args('input') input: GrantConsentInput): Promise<Consent> {
    const result = await this.commands.execute(new GrantConsent(originOf(caller), { ...input, expiresAt: input.expiresAt.toISOString() }));
    const [consent] = await this.mappers.consents([{ ...result.state, version: result.version }]);
    return consent;
  }

  @Mutation(() => Consent)
  async withdrawConsent(@Caller() caller: CallerContext, @Args('id', { type: () => ID }) id: string): Promise<Consent> {
    const result = await this.commands.execute(new DecideConsent(originOf(caller), id, { type: 'WithdrawConsent', actor: actorOf(caller) }));
    const [consent] = await this.mappers.consents([{ ...result.state, version: result.version }]);
    return consent;
  }

  @Query(() => [Consent])
  async consents(@Caller() caller: CallerContext, @Args('subjectId', { type: () => ID }) subjectId: string): Promise<Consent[]> {
    const visible = consentsVisibleTo(actorOf(caller));
    if (!visible) throw new Forbidden('consents are read by the citizen channel they were given through, the data bureau or auditors');
    const where = 'channel' in visible ? { subjectId, channel: visible.channel } : { subjectId };
    const rows = await this.config.dataSource.manager.find(ConsentRow, { where, order: { grantedAt: 'ASC' } });
    return this.mappers.consents(
      rows.map((row) => ({
        terms: {
          consentId: row.id,
          subjectId: row.subjectId,
          consumerDepartment: row.consumerDepartment,
          providerDepartment: row.providerDepartment,
          purpose: row.purpose,
          datasetCode: row.datasetCode,
          fields: row.fields,
          expiresAt: row.expiresAt.toISOString(),
        },
        receipt: row.receipt,
        status: row.status,
        version: row.streamVersion,
      })),
    );
  }

  @Query(() => String, { description: 'PEM (Ed25519 SPKI): verifies consent receipts offline with node:crypto.' })
  consentReceiptPublicKey(): string {
    return this.config.receiptKeys.publicKeyPem;
  }
}

