import { createHash } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import {
  decide,
  decideSubjects,
  type AccessContext,
  type HashKey,
  type PolicyDecision,
  type PolicyRequest,
} from '@shuzhi/policy';
import type { SupergraphSource } from '../composition/supergraph-source.js';
import { gatewayError } from '../runtime/api-errors.js';
import type { OperationPolicy, OperationUnderDecision, PolicyVerdict } from '../runtime/operation-policy.js';
import type { AccessRecorder } from './access-recorder.js';
import { chinaDay, type DailyQuotaLedger, type QuotaCharge, type QuotaOverrun } from './daily-quota.js';
import type { GatewayPolicySnapshot } from './gateway-policy-snapshot.js';
import { KeyFieldTaken, OperationReadings } from './operation-selections.js';
import { shapeResult } from './result-shaping.js';
import type { SupergraphTopology } from '@shuzhi/policy';

const coordinate = (f: { type: string; field: string }) => `${f.type}.${f.field}`;

/** Reads any data under a contract (rather than only platform types, entry points and meta fields). */
const readsDatasets = (decision: PolicyDecision) =>
  decision.denied.length > 0 || decision.allowed.some((a) => a.contractId !== null);

/**
 * The enforcement point: every selected field is decided by `@shuzhi/policy` against the
 * gateway's policy snapshot before any subgraph is asked; the result is shaped (consent per
 * row, denied fields, masks) and recorded before it leaves.
 *
 * Refusal by default: one denied field refuses the whole operation with CONTRACT_REQUIRED or
 * PURPOSE_REQUIRED, naming every denied `Type.field`. `X-Partial: allow` serves the rest and
 * puts an error on each denied path instead.
 *
 * Daily row quota: once the result is shaped (and so the rows it serves are known), the rows
 * served under each cited contract that has a quota are counted against that contract's
 * China day; an operation that would take any of them past its quota is refused whole with
 * QUOTA_EXCEEDED, recorded as a refusal, and counts nothing.
 */
export class ContractEnforcement implements OperationPolicy {
  readonly name = 'contract-enforcement';
  private readonly readings = new OperationReadings();
  private boundKeys: { of: unknown; topology: unknown; keys: ReadonlyMap<string, string> } = { of: undefined, topology: undefined, keys: new Map() };

  constructor(
    private readonly snapshot: GatewayPolicySnapshot,
    private readonly supergraph: SupergraphSource,
    private readonly recorder: AccessRecorder,
    private readonly quotaLedger: DailyQuotaLedger,
    private readonly hashKey: HashKey,
  ) {}

  async decide(operation: OperationUnderDecision): Promise<PolicyVerdict> {
    const { index, checkpoint, quotas } = this.snapshot.current();
    const reading = this.readings.read(operation.schema, operation.document, operation.operationName);
    if (!reading) return { allowed: true };
    const { selections, tree } = reading;
    const { caller, purpose } = operation.request;
    const topology = this.supergraph.topology;
    const request: PolicyRequest = {
      caller,
      purpose,
      at: new Date().toISOString(),
      platformTypes: topology.platformTypes,
      platformFields: topology.platformFields,
      selections,
    };
    const decision = decide(request, index);
    if (!readsDatasets(decision)) return { allowed: true };

    const context: AccessContext = {
      clientId: caller.clientId,
      department: caller.department,
      purpose,
      decisionId: operation.request.decisionId,
      correlationId: operation.request.correlationId,
      at: request.at,
      snapshotCheckpoint: checkpoint,
      operationHash: createHash('sha256')
        .update(JSON.stringify({ query: reading.printed, operationName: operation.operationName ?? null, variables: operation.variables }))
        .digest('hex'),
    };
    const partial = operation.headers['x-partial']?.trim().toLowerCase() === 'allow';
    const deniedFields = [...new Set(decision.denied.map(coordinate))];
    if (decision.outcome === 'DENY' || (decision.denied.length > 0 && !partial)) {
      const code = decision.code ?? 'CONTRACT_REQUIRED';
      const reason = decision.reason ?? `no contract grants ${deniedFields.join(', ')}`;
      const recorded = await this.record(operation, {
        type: 'AccessRefused',
        data: { ...context, code, reason, deniedFields, contracts: decision.contracts },
      });
      if (!recorded) return { allowed: false, error: unrecorded() };
      return {
        allowed: false,
        error: gatewayError(code, reason, {
          fields: deniedFields,
          ...(decision.contracts.length > 0 ? { contractIds: decision.contracts.map((c) => c.id) } : {}),
        }),
      };
    }

    const keys = this.keysOfBoundTypes(index.types, topology);
    let document;
    try {
      document = this.readings.withKeys(operation.schema, operation.document, operation.operationName, keys);
    } catch (error) {
      if (error instanceof KeyFieldTaken) return { allowed: false, error: gatewayError('VALIDATION_FAILED', error.message) };
      throw error;
    }
    const denied = new Set(deniedFields);
    return {
      allowed: true,
      document,
      finish: async (result: ExecutionResult): Promise<ExecutionResult> => {
        const shaped = shapeResult(result.data as Record<string, unknown> | null | undefined, tree, {
          decision,
          denied,
          keys,
          hashKey: this.hashKey,
          decideRows: (rows) => decideSubjects(decision, { ...request, subjects: rows }, index),
        });
        const served = [...new Set(decision.allowed.map(coordinate))];

        const day = chinaDay(request.at);
        const charges: QuotaCharge[] = [...shaped.rowsByContract].flatMap(([contractId, rows]) => {
          const dailyQuota = quotas.get(contractId);
          return dailyQuota === undefined ? [] : [{ contractId, rows, dailyQuota }];
        });
        let quota;
        try {
          quota = await this.quotaLedger.charge(day, charges);
        } catch (error) {
          console.error('gateway: the daily quota could not be counted; nothing is served:', error);
          return { errors: [gatewayError('INTERNAL', 'the daily quota could not be counted, so nothing is served; try again')] };
        }
        if (!quota.charged) {
          const over = new Set(quota.overruns.map((o) => o.contractId));
          const reason = quota.overruns.map(overrunReason).join('; ');
          const refused = await this.record(operation, {
            type: 'AccessRefused',
            data: {
              ...context,
              code: 'QUOTA_EXCEEDED',
              reason,
              deniedFields: [...new Set(decision.allowed.filter((a) => a.contractId !== null && over.has(a.contractId)).map(coordinate))],
              contracts: decision.contracts,
            },
          });
          if (!refused) return { errors: [unrecorded()] };
          return { errors: [gatewayError('QUOTA_EXCEEDED', reason, { contractIds: [...over] })] };
        }

        const recorded = await this.record(operation, {
          type: 'AccessRecorded',
          data: {
            ...context,
            outcome: decision.denied.length > 0 || shaped.withheld.length > 0 ? 'PARTIAL' : 'ALLOW',
            contracts: decision.contracts,
            fields: served,
            maskedFields: [...shaped.masked].map(([field, rule]) => ({ field, rule })),
            deniedFields,
            subjects: uniqueSubjects(shaped.subjects),
            withheldSubjects: shaped.withheld,
          },
        });
        if (!recorded) {
          // Nothing is served, so nothing is counted either.
          await this.quotaLedger.refund(day, charges).catch((error: unknown) => console.error('gateway: a quota refund failed:', error));
          return { errors: [unrecorded()] };
        }
        const errors = [...(result.errors ?? []), ...shaped.errors];
        return { ...result, data: shaped.data, ...(errors.length > 0 ? { errors } : {}) };
      },
    };
  }

  /** Entity keys of the types the catalog binds, recomputed only when the index or the supergraph changes. */
  private keysOfBoundTypes(types: ReadonlyMap<string, unknown>, topology: SupergraphTopology): ReadonlyMap<string, string> {
    if (this.boundKeys.of !== types || this.boundKeys.topology !== topology) {
      const keys = new Map<string, string>();
      for (const type of types.keys()) {
        const key = topology.entityKeys.get(type);
        if (key) keys.set(type, key);
      }
      this.boundKeys = { of: types, topology, keys };
    }
    return this.boundKeys.keys;
  }

  private async record(operation: OperationUnderDecision, event: Parameters<AccessRecorder['record']>[0]): Promise<boolean> {
    const { caller, correlationId } = operation.request;
    try {
      await this.recorder.record(event, { department: caller.department, client: caller.clientId, role: caller.roles.join(',') }, correlationId);
      return true;
    } catch (error) {
      console.error('gateway: an access record could not be written; nothing is served:', error);
      return false;
    }
  }
}

const unrecorded = () => gatewayError('INTERNAL', 'the access could not be recorded, so nothing is served; try again');

const overrunReason = (o: QuotaOverrun) =>
  `contract ${o.contractId} allows ${o.dailyQuota} rows a day (China time); ${o.used} already served today, ` +
  `and this operation would serve ${o.requested} more`;

const uniqueSubjects = (subjects: ReadonlyArray<{ type: string; id: string }>) => {
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const key = `${s.type}\u0000${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};
