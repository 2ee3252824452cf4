import { Like, MoreThan, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import type { EnterpriseStatus } from '../domain/enterprise.events.js';
import { industryCodeProblem } from '../domain/industry-code.js';
import { EnterpriseRow } from '../projections/enterprises.projection.js';

export interface EnterpriseFilterInput {
  /** A code at any level of GB/T 4754: 'I' lists the whole section, 'I65' its division, and so on. */
  industryCode?: string | null;
  status?: EnterpriseStatus | null;
  legalRepresentativeId?: string | null;
}

export interface EnterprisePage {
  first?: number | null;
  /** The last credit code of the previous page. */
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

/** The register's rows by filter, in credit-code order, a page at a time. */
export const listEnterprises = (manager: EntityManager, filter: EnterpriseFilterInput = {}, page: EnterprisePage = {}) => {
  const first = page.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationFailed(`first must be between 1 and ${MAX_PAGE_SIZE}; got ${first}`);
  }
  const problem = filter.industryCode != null ? industryCodeProblem(filter.industryCode) : undefined;
  if (problem) throw new ValidationFailed(problem, { violations: [{ field: 'industryCode', reason: problem }] });
  // A valid industry code is a letter and digits: nothing in it is a LIKE wildcard.
  const where: FindOptionsWhere<EnterpriseRow> = {
    ...(filter.industryCode != null ? { industryCode: Like(`${filter.industryCode}%`) } : {}),
    ...(filter.status != null ? { status: filter.status } : {}),
    ...(filter.legalRepresentativeId != null ? { legalRepresentativeId: filter.legalRepresentativeId } : {}),
    ...(page.after != null ? { creditCode: MoreThan(page.after) } : {}),
  };
  return manager.find(EnterpriseRow, { where, order: { creditCode: 'ASC' }, take: first });
};

/** Every enterprise a resident is the legal representative of, deregistered ones included. */
export const enterprisesRepresentedBy = (manager: EntityManager, residentId: string) =>
  manager.find(EnterpriseRow, { where: { legalRepresentativeId: residentId }, order: { creditCode: 'ASC' } });
