import { useState } from 'react';
import { ApiError, graphql } from '../api/graphql-client.js';
import type { Classification, Dataset, SchemaVersionCheck, SharingContract } from '../api/models.js';
import {
  APPROVE_CONTRACT,
  CHECK_SCHEMA_VERSION,
  CONTRACTS,
  REGISTER_SCHEMA_VERSION,
  REJECT_CONTRACT,
  RESUME_CONTRACT,
  REVOKE_CONTRACT,
  SUSPEND_CONTRACT,
} from '../api/operations.js';
import { useI18n } from '../i18n/i18n.js';
import type { Session } from '../session/identity.js';
import { Badge, FieldList } from '../ui/badges.js';
import { DataTable } from '../ui/data-table.js';
import { ErrorBanner } from '../ui/error-banner.js';
import { ReasonAction } from '../ui/reason-action.js';
import { useAction, useRemote } from '../ui/use-remote.js';
import { classificationsOf, loadDatasets } from './catalog.js';

/** A provider department's steward: the requests it must decide, its contracts, its schemas. */
export const StewardView = ({ session }: { session: Session }) => {
  const { t, dateTime } = useI18n();
  const { apiKey, identity } = session;
  const department = identity.department;
  const datasets = useRemote(() => loadDatasets(apiKey), [apiKey]);
  const provided = useRemote(
    async () => (await graphql<{ sharingContracts: SharingContract[] }>(apiKey, CONTRACTS, { filter: { provider: department } })).sharingContracts,
    [apiKey, department],
  );
  const action = useAction();
  const classes = classificationsOf(datasets.data);

  const decide = async (mutation: string, id: string, reason: string | null) => {
    const answer = await action.run(() => graphql<Record<string, { id: string; status: string }>>(apiKey, mutation, { id, reason }));
    const decided = answer && Object.values(answer)[0];
    if (decided) await provided.reloadUntil((contracts) => contracts.some((c) => c.id === id && c.status === decided.status));
    else provided.reload();
  };
  const queue = (provided.data ?? []).filter((c) => c.status === 'PROVIDER_REVIEW');
  const inForce = (provided.data ?? []).filter((c) => c.status === 'ACTIVE' || c.status === 'SUSPENDED');

  return (
    <div className="view" data-testid="steward-view">
      <ErrorBanner error={action.error ?? provided.error ?? datasets.error} />
      <section className="panel">
        <h2>
          {t('steward.queue')}{' '}
          <button type="button" data-testid="refresh-queue" onClick={provided.reload}>
            {t('common.refresh')}
          </button>
        </h2>
        <DataTable
          testId="provider-queue"
          rows={queue}
          rowKey={(c) => c.id}
          rowClass={(c) => (c.reviewOverdue ? 'overdue' : undefined)}
          columns={[
            { key: 'id', header: t('field.id'), render: (c) => <code>{c.id.slice(0, 8)}</code>, sortBy: (c) => c.id },
            { key: 'consumer', header: t('field.consumer'), render: (c) => c.consumer.name, sortBy: (c) => c.consumer.name },
            { key: 'dataset', header: t('field.dataset'), render: (c) => c.datasetCode, sortBy: (c) => c.datasetCode },
            { key: 'fields', header: t('field.fields'), render: (c) => <FieldList fields={c.fields} classes={classes.get(c.datasetCode) ?? new Map()} /> },
            { key: 'purpose', header: t('field.purpose'), render: (c) => `${c.purpose} · ${c.legalBasis}` },
            { key: 'masking', header: t('field.masking'), render: (c) => c.masking.map((m) => `${m.field}:${m.rule}`).join(', ') },
            { key: 'deadline', header: t('field.deadline'), render: (c) => dateTime(c.reviewDeadline), sortBy: (c) => c.reviewDeadline ?? '' },
            {
              key: 'actions',
              header: t('field.actions'),
              render: (c) => (
                <span className="actions">
                  <ReasonAction testId={`approve-${c.id}`} label={t('steward.approve')} reasonRequired={false} disabled={action.busy} onConfirm={(r) => decide(APPROVE_CONTRACT, c.id, r)} />
                  <ReasonAction testId={`reject-${c.id}`} label={t('steward.reject')} reasonRequired disabled={action.busy} onConfirm={(r) => decide(REJECT_CONTRACT, c.id, r)} />
                </span>
              ),
            },
          ]}
        />
      </section>
      <section className="panel">
        <h2>{t('steward.contracts')}</h2>
        <DataTable
          testId="provided-contracts"
          rows={inForce}
          rowKey={(c) => c.id}
          columns={[
            { key: 'id', header: t('field.id'), render: (c) => <code>{c.id.slice(0, 8)}</code>, sortBy: (c) => c.id },
            { key: 'consumer', header: t('field.consumer'), render: (c) => c.consumer.name, sortBy: (c) => c.consumer.name },
            { key: 'dataset', header: t('field.dataset'), render: (c) => c.datasetCode, sortBy: (c) => c.datasetCode },
            { key: 'status', header: t('field.status'), render: (c) => <Badge kind="status" value={c.status} />, sortBy: (c) => c.status },
            { key: 'fields', header: t('field.fields'), render: (c) => <FieldList fields={c.fields} classes={classes.get(c.datasetCode) ?? new Map()} /> },
            { key: 'validTo', header: t('field.validTo'), render: (c) => dateTime(c.validTo), sortBy: (c) => c.validTo },
            {
              key: 'actions',
              header: t('field.actions'),
              render: (c) => (
                <span className="actions">
                  {c.status === 'ACTIVE' ? (
                    <ReasonAction testId={`suspend-${c.id}`} label={t('steward.suspend')} reasonRequired disabled={action.busy} onConfirm={(r) => decide(SUSPEND_CONTRACT, c.id, r)} />
                  ) : (
                    <ReasonAction testId={`resume-${c.id}`} label={t('steward.resume')} reasonRequired={false} disabled={action.busy} onConfirm={(r) => decide(RESUME_CONTRACT, c.id, r)} />
                  )}
                  <ReasonAction testId={`revoke-${c.id}`} label={t('steward.revoke')} reasonRequired disabled={action.busy} onConfirm={(r) => decide(REVOKE_CONTRACT, c.id, r)} />
                </span>
              ),
            },
          ]}
        />
      </section>
      <SchemaPublisher
        apiKey={apiKey}
        datasets={(datasets.data ?? []).filter((d) => d.provider.code === department)}
        onRegistered={datasets.reload}
      />
    </div>
  );
};

const SchemaPublisher = ({
  apiKey,
  datasets,
  onRegistered,
}: {
  apiKey: string;
  datasets: readonly Dataset[];
  onRegistered: () => void;
}) => {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const dataset = datasets.find((d) => d.code === code) ?? datasets[0];
  const [text, setText] = useState<string | null>(null);
  const [classifications, setClassifications] = useState('');
  const [verdict, setVerdict] = useState<SchemaVersionCheck | null>(null);
  const [registered, setRegistered] = useState<number | null>(null);
  const action = useAction();
  if (!dataset) return null;
  const schemaText = text ?? JSON.stringify(dataset.schema, null, 2);

  const parsed = (): unknown => {
    try {
      return JSON.parse(schemaText);
    } catch (error) {
      throw new ApiError('VALIDATION_FAILED', `the schema is not JSON: ${String(error)}`);
    }
  };
  const input = () => ({
    datasetCode: dataset.code,
    schema: parsed(),
    fields: classifications
      .split('\n')
      .map((line) => line.split(':').map((part) => part.trim()))
      .filter(([name, classification]) => name && classification)
      .map(([name, classification]) => ({ name, classification: classification as Classification })),
  });
  const edited = () => (setVerdict(null), setRegistered(null));
  // The verdict is governance's own, compatibility mode, contracts and consents included: the page only shows it.
  const check = async () => {
    setVerdict(null);
    const answer = await action.run(() => graphql<{ checkSchemaVersion: SchemaVersionCheck }>(apiKey, CHECK_SCHEMA_VERSION, { input: input() }));
    if (answer) setVerdict(answer.checkSchemaVersion);
  };
  // Submitting stays open whatever the check said: the registration is decided again when it is made.
  const submit = async () => {
    setRegistered(null);
    const answer = await action.run(() =>
      graphql<{ registerSchemaVersion: { schemaVersions: Array<{ version: number }> } }>(apiKey, REGISTER_SCHEMA_VERSION, { input: input() }),
    );
    if (answer) {
      setRegistered(Math.max(...answer.registerSchemaVersion.schemaVersions.map((v) => v.version)));
      setVerdict(null);
      setText(null);
      onRegistered();
    }
  };

  return (
    <section className="panel" data-testid="schema-publisher">
      <h2>{t('steward.publish')}</h2>
      <div className="form">
        <label>
          {t('field.dataset')}
          <select
            data-testid="schema-dataset"
            value={dataset.code}
            onChange={(e) => {
              setCode(e.target.value);
              setText(null);
              edited();
            }}
          >
            {datasets.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name} ({d.code})
              </option>
            ))}
          </select>
        </label>
        <p className="note">
          {t('field.compatibility')}: {dataset.compatibility} · {t('field.version')} {Math.max(0, ...dataset.schemaVersions.map((v) => v.version))}
        </p>
        <label>
          {t('steward.schema')}
          <textarea data-testid="schema-text" rows={12} value={schemaText} onChange={(e) => (setText(e.target.value), edited())} />
        </label>
        <label>
          {t('steward.newFields')}
          <textarea rows={3} data-testid="schema-classifications" value={classifications} onChange={(e) => (setClassifications(e.target.value), edited())} />
        </label>
        <div className="actions">
          <button type="button" data-testid="schema-check" disabled={action.busy} onClick={check}>
            {t('steward.preview')}
          </button>
          <button type="button" data-testid="schema-submit" disabled={action.busy} onClick={submit}>
            {t('common.submit')}
          </button>
        </div>
        {verdict && <SchemaVerdict verdict={verdict} />}
        <ErrorBanner error={action.error} />
        {registered !== null && <p className="ok">{t('steward.registered', { version: registered })}</p>}
      </div>
    </section>
  );
};

/** Governance's dry-run verdict on a schema version, as it stated it. */
const SchemaVerdict = ({ verdict }: { verdict: SchemaVersionCheck }) => {
  const { t } = useI18n();
  const list = (ids: readonly string[]) => ids.join(', ') || t('common.none');
  return verdict.accepted ? (
    <p className="ok" data-testid="schema-verdict" data-accepted="true">
      {t('steward.verdictAccepted', { version: verdict.version ?? '' })}
    </p>
  ) : (
    <div className="warning" data-testid="schema-verdict" data-accepted="false" data-code={verdict.code ?? ''}>
      <div>
        <strong>{t('steward.verdictRefused')}</strong> <code>{verdict.code}</code> {verdict.reason}
      </div>
      <div>{t('steward.verdictContracts', { ids: list(verdict.contractIds) })}</div>
      <div>{t('steward.verdictConsents', { ids: list(verdict.consentIds) })}</div>
      {verdict.fields.length > 0 && <div>{t('steward.verdictFields', { fields: verdict.fields.join(', ') })}</div>}
    </div>
  );
};
