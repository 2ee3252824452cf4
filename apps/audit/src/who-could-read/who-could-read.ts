import { Inject, Injectable } from '@nestjs/common';
import { decideAccess, decideSubjects, indexSnapshot, type PolicyRequest } from '@shuzhi/policy';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { PolicyHistory } from '../history/policy-history.js';

export interface DepartmentRef {
  code: string;
  /** As the department was registered; null when the log has no registration for the code. */
  name: string | null;
}

export interface WhoCouldReadQuestion {
  datasetCode: string;
  field: string;
  /** Without a subject, consent is not asked: the answer is who could read the field of a subject who consented. */
  subjectId?: string | null;
  at: Date;
}

/**
 * "Who could read field F of subject S at time T": the policy snapshot as governance's events
 * had made it by T, asked through the policy's own decision functions for each department that
 * held a contract for the dataset (under each of its purposes) and for the provider. A
 * department could read when the decision grants the field and, where its contract needs
 * consent, the subject's consent was in force.
 */
@Injectable()
export class WhoCouldRead {
  constructor(@Inject(AUDIT_CONFIG) private readonly sources: AuditSources) {}

  async departments(question: WhoCouldReadQuestion): Promise<DepartmentRef[]> {
    const snapshot = await PolicyHistory.asOf(this.sources.store, question.at);
    const dataset = snapshot.datasets.find((d) => d.code === question.datasetCode);
    // The dataset was not published yet: nobody could read it.
    if (!dataset) return [];
    if (!dataset.fields.some((f) => f.name === question.field)) {
      throw new ValidationFailed(
        `dataset ${dataset.code} had no field ${question.field} at ${question.at.toISOString()}; ` +
          `its fields then: ${dataset.fields.map((f) => f.name).join(', ') || 'none'}`,
      );
    }
    const index = indexSnapshot(snapshot);
    const candidates = new Map<string, Set<string | null>>([[dataset.providerDepartment, new Set([null])]]);
    for (const contract of snapshot.contracts) {
      if (contract.datasetCode !== dataset.code) continue;
      const purposes = candidates.get(contract.consumerDepartment) ?? new Set();
      candidates.set(contract.consumerDepartment, purposes.add(contract.purpose));
    }

    const readers: string[] = [];
    for (const [department, purposes] of candidates) {
      const could = [...purposes].some((purpose) => {
        const request: PolicyRequest = {
          caller: { clientId: 'audit', department, roles: [] },
          purpose,
          at: question.at.toISOString(),
          platformTypes: [],
          selections: [{ type: dataset.graphqlType, field: question.field }],
        };
        const decision = decideAccess(request, index);
        if (decision.allowed.length === 0) return false;
        if (!question.subjectId) return true;
        const [verdict] = decideSubjects(
          decision,
          { ...request, subjects: [{ type: dataset.graphqlType, subjectId: question.subjectId, fields: [question.field] }] },
          index,
        );
        return verdict.verdict === 'ALLOW';
      });
      if (could) readers.push(department);
    }
    return Promise.all(readers.sort().map((code) => this.department(code, question.at)));
  }

  private async department(code: string, at: Date): Promise<DepartmentRef> {
    const [registered] = await this.sources.store.readStream(`department-${code}`, { untilTime: at, untilVersion: 0 });
    return { code, name: (registered?.data as { name?: string } | undefined)?.name ?? null };
  }
}
