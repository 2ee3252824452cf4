import { useState, type FormEvent } from 'react';
import { graphql } from '../api/graphql-client.js';
import { ROLES, type Client, type Department, type Role, type SharingContract } from '../api/models.js';
import {
  CLIENTS,
  COMPLETE_COMPLIANCE_REVIEW,
  CONTRACTS,
  DEPARTMENTS,
  ISSUE_CLIENT_KEY,
  OVERDUE_REVIEWS,
  REGISTER_DEPARTMENT,
  REVOKE_CLIENT_KEY,
} from '../api/operations.js';
import { useI18n } from '../i18n/i18n.js';
import type { Session } from '../session/identity.js';
import { Badge, FieldList } from '../ui/badges.js';
import { DataTable } from '../ui/data-table.js';
import { ErrorBanner } from '../ui/error-banner.js';
import { ReasonAction } from '../ui/reason-action.js';
import { useAction, useRemote } from '../ui/use-remote.js';
import { classificationsOf, loadDatasets } from './catalog.js';

/** A review is overdue when governance says so, or when its deadline has passed since. */
const isOverdue = (c: SharingContract, now: number) => c.reviewOverdue || (c.reviewDeadline !== null && Date.parse(c.reviewDeadline) < now);

/** The data bureau (PLATFORM): compliance review, escalations, departments and client keys. */
export const BureauView = ({ session }: { session: Session }) => {
  const { t, dateTime } = useI18n();
  const { apiKey } = session;
  const datasets = useRemote(() => loadDatasets(apiKey), [apiKey]);
  const queue = useRemote(
    async () => (await graphql<{ sharingContracts: SharingContract[] }>(apiKey, CONTRACTS, { filter: { status: 'COMPLIANCE_REVIEW' } })).sharingContracts,
    [apiKey],
  );
  const overdue = useRemote(async () => (await graphql<{ overdueReviews: SharingContract[] }>(apiKey, OVERDUE_REVIEWS)).overdueReviews, [apiKey]);
  const action = useAction();
  const classes = classificationsOf(datasets.data);
  const now = Date.now();

  /**
   * Sensitive personal fields asked for without the subjects' consent: the bureau approves only on
   * a statutory basis it names (PIPL art. 13, 28–29), which governance then requires.
   */
  const needsStatutoryBasis = (c: SharingContract) =>
    !c.consentRequired && c.fields.some((f) => classes.get(c.datasetCode)?.get(f) === 'SENSITIVE_PERSONAL');
  const review = async (id: string, approved: boolean, reason: string | null, statutoryBasis = false) => {
    const reviewed = await action.run(() => graphql(apiKey, COMPLETE_COMPLIANCE_REVIEW, { id, approved, reason, statutoryBasis }));
    if (reviewed) await queue.reloadUntil((contracts) => !contracts.some((c) => c.id === id));
    else queue.reload();
    overdue.reload();
  };

  return (
    <div className="view" data-testid="bureau-view">
      <ErrorBanner error={action.error ?? queue.error ?? overdue.error} />
      <section className="panel">
        <h2>
          {t('bureau.compliance')}{' '}
          <button type="button" data-testid="refresh-compliance" onClick={queue.reload}>
            {t('common.refresh')}
          </button>
        </h2>
        <DataTable
          testId="compliance-queue"
          rows={queue.data ?? []}
          rowKey={(c) => c.id}
          rowClass={(c) => (isOverdue(c, now) ? 'overdue' : undefined)}
          columns={[
            { key: 'id', header: t('field.id'), render: (c) => <code>{c.id.slice(0, 8)}</code>, sortBy: (c) => c.id },
            { key: 'consumer', header: t('field.consumer'), render: (c) => c.consumer.name, sortBy: (c) => c.consumer.name },
            { key: 'provider', header: t('field.provider'), render: (c) => c.provider.name, sortBy: (c) => c.provider.name },
            { key: 'dataset', header: t('field.dataset'), render: (c) => c.datasetCode, sortBy: (c) => c.datasetCode },
            { key: 'fields', header: t('field.fields'), render: (c) => <FieldList fields={c.fields} classes={classes.get(c.datasetCode) ?? new Map()} /> },
            { key: 'purpose', header: t('field.purpose'), render: (c) => `${c.purpose} · ${c.legalBasis}` },
            {
              key: 'deadline',
              header: t('field.deadline'),
              render: (c) => (
                <>
                  {dateTime(c.reviewDeadline)} {isOverdue(c, now) && <strong className="overdue-mark">{t('bureau.overdueMark')}</strong>}
                </>
              ),
              sortBy: (c) => c.reviewDeadline ?? '',
            },
            {
              key: 'actions',
              header: t('field.actions'),
              render: (c) => (
                <span className="actions">
                  {needsStatutoryBasis(c) ? (
                    <ReasonAction
                      testId={`pass-${c.id}`}
                      label={t('bureau.passStatutory')}
                      reasonRequired
                      disabled={action.busy}
                      onConfirm={(r) => review(c.id, true, r, true)}
                    />
                  ) : (
                    <ReasonAction testId={`pass-${c.id}`} label={t('bureau.pass')} reasonRequired={false} disabled={action.busy} onConfirm={(r) => review(c.id, true, r)} />
                  )}
                  <ReasonAction testId={`refuse-${c.id}`} label={t('bureau.reject')} reasonRequired disabled={action.busy} onConfirm={(r) => review(c.id, false, r)} />
                </span>
              ),
            },
          ]}
        />
      </section>
      <section className="panel">
        <h2>{t('bureau.overdue')}</h2>
        <DataTable
          testId="overdue-reviews"
          rows={overdue.data ?? []}
          rowKey={(c) => c.id}
          rowClass={() => 'overdue'}
          columns={[
            { key: 'id', header: t('field.id'), render: (c) => <code>{c.id.slice(0, 8)}</code>, sortBy: (c) => c.id },
            { key: 'stage', header: t('field.status'), render: (c) => <Badge kind="status" value={c.status} />, sortBy: (c) => c.status },
            { key: 'consumer', header: t('field.consumer'), render: (c) => c.consumer.name, sortBy: (c) => c.consumer.name },
            { key: 'provider', header: t('field.provider'), render: (c) => c.provider.name, sortBy: (c) => c.provider.name },
            { key: 'dataset', header: t('field.dataset'), render: (c) => c.datasetCode, sortBy: (c) => c.datasetCode },
            { key: 'deadline', header: t('field.deadline'), render: (c) => dateTime(c.reviewDeadline), sortBy: (c) => c.reviewDeadline ?? '' },
          ]}
        />
      </section>
      <Registry apiKey={apiKey} />
    </div>
  );
};

const Registry = ({ apiKey }: { apiKey: string }) => {
  const { t, dateTime } = useI18n();
  const departments = useRemote(async () => (await graphql<{ departments: Department[] }>(apiKey, DEPARTMENTS)).departments, [apiKey]);
  const clients = useRemote(async () => (await graphql<{ clients: Client[] }>(apiKey, CLIENTS)).clients, [apiKey]);
  const action = useAction();
  const [department, setDepartment] = useState({ code: '', name: '' });
  const [issue, setIssue] = useState<{ departmentCode: string; name: string; roles: Role[] }>({ departmentCode: '', name: '', roles: ['CONSUMER'] });
  const [issued, setIssued] = useState<{ clientId: string; apiKey: string } | null>(null);

  const registerDepartment = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(() => graphql(apiKey, REGISTER_DEPARTMENT, { input: department }))) {
      setDepartment({ code: '', name: '' });
      departments.reload();
    }
  };
  const issueKey = async (event: FormEvent) => {
    event.preventDefault();
    const input = { ...issue, departmentCode: issue.departmentCode || departments.data?.[0]?.code };
    const answer = await action.run(() => graphql<{ issueClientKey: { clientId: string; apiKey: string } }>(apiKey, ISSUE_CLIENT_KEY, { input }));
    if (answer) {
      setIssued(answer.issueClientKey);
      clients.reload();
    }
  };
  const revoke = async (clientId: string, reason: string | null) => {
    await action.run(() => graphql(apiKey, REVOKE_CLIENT_KEY, { clientId, reason }));
    clients.reload();
  };
  const toggleRole = (role: Role) =>
    setIssue({ ...issue, roles: issue.roles.includes(role) ? issue.roles.filter((r) => r !== role) : [...issue.roles, role] });

  return (
    <>
      <ErrorBanner error={action.error ?? departments.error ?? clients.error} />
      <div className="columns">
        <section className="panel">
          <h2>{t('bureau.departments')}</h2>
          <DataTable
            testId="departments"
            rows={departments.data ?? []}
            rowKey={(d) => d.code}
            columns={[
              { key: 'code', header: t('field.code'), render: (d) => d.code, sortBy: (d) => d.code },
              { key: 'name', header: t('field.name'), render: (d) => d.name, sortBy: (d) => d.name },
            ]}
          />
          <form className="form inline-form" onSubmit={registerDepartment}>
            <input placeholder={t('field.code')} value={department.code} onChange={(e) => setDepartment({ ...department, code: e.target.value })} required />
            <input placeholder={t('field.name')} value={department.name} onChange={(e) => setDepartment({ ...department, name: e.target.value })} required />
            <button type="submit" disabled={action.busy}>
              {t('bureau.registerDepartment')}
            </button>
          </form>
        </section>
        <section className="panel">
          <h2>{t('bureau.clients')}</h2>
          {issued && (
            <div className="warning" data-testid="issued-key">
              {t('bureau.issuedOnce')} <code data-testid="issued-api-key">{issued.apiKey}</code> ({issued.clientId}){' '}
              <button type="button" onClick={() => setIssued(null)}>
                {t('bureau.dismiss')}
              </button>
            </div>
          )}
          <DataTable
            testId="clients"
            rows={clients.data ?? []}
            rowKey={(c) => c.clientId}
            columns={[
              { key: 'name', header: t('field.name'), render: (c) => c.name, sortBy: (c) => c.name },
              { key: 'dept', header: t('field.department'), render: (c) => c.departmentCode, sortBy: (c) => c.departmentCode },
              { key: 'roles', header: t('field.roles'), render: (c) => c.roles.join(', ') },
              { key: 'status', header: t('field.status'), render: (c) => <Badge kind="status" value={c.status} />, sortBy: (c) => c.status },
              { key: 'issuedAt', header: t('field.issuedAt'), render: (c) => dateTime(c.issuedAt), sortBy: (c) => c.issuedAt },
              {
                key: 'actions',
                header: t('field.actions'),
                render: (c) =>
                  c.status === 'ACTIVE' ? (
                    <ReasonAction testId={`revoke-key-${c.clientId}`} label={t('bureau.revoke')} reasonRequired={false} disabled={action.busy} onConfirm={(r) => revoke(c.clientId, r)} />
                  ) : null,
              },
            ]}
          />
          <form className="form inline-form" onSubmit={issueKey} data-testid="issue-form">
            <select value={issue.departmentCode} onChange={(e) => setIssue({ ...issue, departmentCode: e.target.value })}>
              {(departments.data ?? []).map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name} ({d.code})
                </option>
              ))}
            </select>
            <input placeholder={t('field.name')} value={issue.name} onChange={(e) => setIssue({ ...issue, name: e.target.value })} required />
            {ROLES.map((role) => (
              <label key={role} className="inline">
                <input type="checkbox" checked={issue.roles.includes(role)} onChange={() => toggleRole(role)} />
                {role}
              </label>
            ))}
            <button type="submit" disabled={action.busy || issue.roles.length === 0}>
              {t('bureau.issue')}
            </button>
          </form>
        </section>
      </div>
    </>
  );
};
