import { useState, type FormEvent } from 'react';
import { graphql } from '../api/graphql-client.js';
import { MASK_RULES, type Dataset, type MaskRule, type Purpose, type SharingContract } from '../api/models.js';
import { CONTRACT_DETAIL, CONTRACTS, PURPOSES, SUBMIT_CONTRACT } from '../api/operations.js';
import { useI18n } from '../i18n/i18n.js';
import type { Session } from '../session/identity.js';
import { Badge, FieldList } from '../ui/badges.js';
import { DataTable } from '../ui/data-table.js';
import { ErrorBanner } from '../ui/error-banner.js';
import { useAction, useRemote } from '../ui/use-remote.js';
import { classificationsOf, instantOf, loadDatasets, localInputValue } from './catalog.js';

/** A department system's view: the catalog, its requests, and where each one stands. */
export const ConsumerView = ({ session }: { session: Session }) => {
  const { t, dateTime } = useI18n();
  const { apiKey, identity } = session;
  const datasets = useRemote(() => loadDatasets(apiKey), [apiKey]);
  const purposes = useRemote(async () => (await graphql<{ purposes: Purpose[] }>(apiKey, PURPOSES)).purposes, [apiKey]);
  const contracts = useRemote(
    async () =>
      (await graphql<{ sharingContracts: SharingContract[] }>(apiKey, CONTRACTS, { filter: { consumer: identity.department } })).sharingContracts,
    [apiKey, identity.department],
  );
  const [selected, setSelected] = useState<Dataset | null>(null);
  const [followed, setFollowed] = useState<string | null>(null);
  const classes = classificationsOf(datasets.data);

  return (
    <div className="view" data-testid="consumer-view">
      <section className="panel">
        <h2>{t('consumer.catalog')}</h2>
        <ErrorBanner error={datasets.error} />
        <DataTable
          testId="catalog"
          rows={datasets.data ?? []}
          rowKey={(d) => d.code}
          onRowClick={setSelected}
          rowClass={(d) => (d.code === selected?.code ? 'selected' : undefined)}
          columns={[
            { key: 'code', header: t('field.code'), render: (d) => d.code, sortBy: (d) => d.code },
            { key: 'name', header: t('field.name'), render: (d) => d.name, sortBy: (d) => d.name },
            { key: 'provider', header: t('field.provider'), render: (d) => d.provider.name, sortBy: (d) => d.provider.name },
            { key: 'sharing', header: t('field.sharingType'), render: (d) => <Badge kind="sharing" value={d.sharingType} />, sortBy: (d) => d.sharingType },
            { key: 'fields', header: t('field.fields'), render: (d) => d.fields.length, sortBy: (d) => d.fields.length },
            {
              key: 'version',
              header: t('field.version'),
              render: (d) => d.schemaVersions.length,
              sortBy: (d) => d.schemaVersions.length,
            },
          ]}
        />
      </section>
      {selected && (
        <DatasetDetail
          key={selected.code}
          dataset={selected}
          purposes={purposes.data ?? []}
          apiKey={apiKey}
          onSubmitted={(contract) => {
            setFollowed(contract.id);
            void contracts.reloadUntil((listed) => listed.some((c) => c.id === contract.id));
          }}
        />
      )}
      <section className="panel">
        <h2>
          {t('consumer.myContracts')}{' '}
          <button type="button" data-testid="refresh-contracts" onClick={contracts.reload}>
            {t('common.refresh')}
          </button>
        </h2>
        <ErrorBanner error={contracts.error} />
        <DataTable
          testId="my-contracts"
          rows={contracts.data ?? []}
          rowKey={(c) => c.id}
          onRowClick={(c) => setFollowed(c.id)}
          columns={[
            { key: 'id', header: t('field.id'), render: (c) => <code>{c.id.slice(0, 8)}</code>, sortBy: (c) => c.id },
            { key: 'dataset', header: t('field.dataset'), render: (c) => c.datasetCode, sortBy: (c) => c.datasetCode },
            { key: 'status', header: t('field.status'), render: (c) => <Badge kind="status" value={c.status} />, sortBy: (c) => c.status },
            {
              key: 'fields',
              header: t('field.fields'),
              render: (c) => <FieldList fields={c.fields} classes={classes.get(c.datasetCode) ?? new Map()} />,
            },
            { key: 'purpose', header: t('field.purpose'), render: (c) => c.purpose, sortBy: (c) => c.purpose },
            { key: 'validTo', header: t('field.validTo'), render: (c) => dateTime(c.validTo), sortBy: (c) => c.validTo },
            { key: 'deadline', header: t('field.deadline'), render: (c) => dateTime(c.reviewDeadline), sortBy: (c) => c.reviewDeadline ?? '' },
          ]}
        />
      </section>
      {followed && <ContractFollow key={followed} apiKey={apiKey} id={followed} />}
    </div>
  );
};

const DatasetDetail = ({
  dataset,
  purposes,
  apiKey,
  onSubmitted,
}: {
  dataset: Dataset;
  purposes: readonly Purpose[];
  apiKey: string;
  onSubmitted: (contract: SharingContract) => void;
}) => {
  const { t, dateTime } = useI18n();
  const action = useAction();
  const now = new Date();
  const [fields, setFields] = useState<ReadonlySet<string>>(new Set());
  const [masking, setMasking] = useState<Record<string, MaskRule>>({});
  const [purpose, setPurpose] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [scenario, setScenario] = useState('');
  const [validFrom, setValidFrom] = useState(localInputValue(now));
  const [validTo, setValidTo] = useState(localInputValue(new Date(now.getTime() + 365 * 86_400_000)));
  const [dailyQuota, setDailyQuota] = useState('');
  const [consentRequired, setConsentRequired] = useState(false);
  const [submitted, setSubmitted] = useState<SharingContract | null>(null);

  const toggle = (field: string) =>
    setFields((previous) => {
      const next = new Set(previous);
      if (next.has(field)) next.delete(field);
      else next.add(field);
      return next;
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = dataset.fields.map((f) => f.name).filter((name) => fields.has(name));
    const input = {
      datasetCode: dataset.code,
      fields: chosen,
      purpose: purpose || purposes[0]?.code,
      legalBasis,
      scenario: scenario || null,
      validFrom: instantOf(validFrom),
      validTo: instantOf(validTo),
      dailyQuota: dailyQuota ? Number(dailyQuota) : null,
      masking: chosen.filter((f) => (masking[f] ?? 'NONE') !== 'NONE').map((field) => ({ field, rule: masking[field] })),
      consentRequired,
    };
    const answer = await action.run(() => graphql<{ submitSharingContract: SharingContract }>(apiKey, SUBMIT_CONTRACT, { input }));
    if (answer) {
      setSubmitted(answer.submitSharingContract);
      onSubmitted(answer.submitSharingContract);
    }
  };

  return (
    <section className="panel" data-testid="dataset-detail">
      <h2>
        {dataset.name} <code>{dataset.code}</code> <Badge kind="sharing" value={dataset.sharingType} />
      </h2>
      {dataset.summary && <p className="note">{dataset.summary}</p>}
      <div className="columns">
        <div>
          <h3>{t('field.fields')}</h3>
          <DataTable
            testId="dataset-fields"
            rows={dataset.fields}
            rowKey={(f) => f.name}
            pageSize={20}
            columns={[
              { key: 'name', header: t('field.name'), render: (f) => f.name, sortBy: (f) => f.name },
              {
                key: 'class',
                header: t('field.classification'),
                render: (f) => <Badge kind="class" value={f.classification} />,
                sortBy: (f) => f.classification,
              },
            ]}
          />
          <h3>{t('consumer.schemaVersions')}</h3>
          <DataTable
            testId="schema-versions"
            rows={dataset.schemaVersions}
            rowKey={(v) => String(v.version)}
            columns={[
              { key: 'version', header: t('field.version'), render: (v) => v.version, sortBy: (v) => v.version },
              { key: 'at', header: t('field.registeredAt'), render: (v) => dateTime(v.registeredAt), sortBy: (v) => v.registeredAt },
              { key: 'fields', header: t('field.fields'), render: (v) => v.fields.length },
            ]}
          />
        </div>
        <div>
          <h3>{t('consumer.requestFor', { dataset: dataset.code })}</h3>
          {dataset.sharingType === 'NOT_SHARED' ? (
            <p className="note">{t('consumer.notShared')}</p>
          ) : (
            <form className="form" onSubmit={submit} data-testid="request-form">
              <fieldset>
                <legend>{t('consumer.pickFields')}</legend>
                {dataset.fields.map((f) => (
                  <div key={f.name} className="field-choice">
                    <label>
                      <input type="checkbox" data-testid={`pick-${f.name}`} checked={fields.has(f.name)} onChange={() => toggle(f.name)} />
                      <span className={`field class-${f.classification.toLowerCase()}`}>{f.name}</span>
                    </label>
                    {fields.has(f.name) && (
                      <select
                        aria-label={`${t('field.masking')} ${f.name}`}
                        data-testid={`mask-${f.name}`}
                        value={masking[f.name] ?? 'NONE'}
                        onChange={(e) => setMasking({ ...masking, [f.name]: e.target.value as MaskRule })}
                      >
                        {MASK_RULES.map((rule) => (
                          <option key={rule}>{rule}</option>
                        ))}
                      </select>
                    )}
                  </div>
                ))}
              </fieldset>
              <label>
                {t('field.purpose')}
                <select data-testid="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
                  {purposes.map((p) => (
                    <option key={p.code} value={p.code}>
                      {p.name} ({p.code})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('field.legalBasis')}
                <input data-testid="legal-basis" value={legalBasis} onChange={(e) => setLegalBasis(e.target.value)} required />
              </label>
              <label>
                {t('field.scenario')}
                <input data-testid="scenario" value={scenario} onChange={(e) => setScenario(e.target.value)} />
              </label>
              <label>
                {t('field.validFrom')}
                <input type="datetime-local" data-testid="valid-from" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} required />
              </label>
              <label>
                {t('field.validTo')}
                <input type="datetime-local" data-testid="valid-to" value={validTo} onChange={(e) => setValidTo(e.target.value)} required />
              </label>
              <label>
                {t('field.dailyQuota')}
                <input type="number" min={1} data-testid="daily-quota" value={dailyQuota} onChange={(e) => setDailyQuota(e.target.value)} />
              </label>
              <label className="inline">
                <input type="checkbox" data-testid="consent-required" checked={consentRequired} onChange={(e) => setConsentRequired(e.target.checked)} />
                {t('field.consentRequired')}
              </label>
              <button type="submit" data-testid="submit-request" disabled={action.busy || fields.size === 0}>
                {t('consumer.request')}
              </button>
              <ErrorBanner error={action.error} />
              {submitted && (
                <p className="ok" data-testid="submitted">
                  {t('consumer.submitted', { id: submitted.id, status: submitted.status })}
                </p>
              )}
            </form>
          )}
        </div>
      </div>
    </section>
  );
};

/** One request's status and history, fetched afresh on demand. */
const ContractFollow = ({ apiKey, id }: { apiKey: string; id: string }) => {
  const { t, dateTime } = useI18n();
  const contract = useRemote(async () => (await graphql<{ sharingContract: SharingContract }>(apiKey, CONTRACT_DETAIL, { id })).sharingContract, [apiKey, id]);
  const c = contract.data;
  return (
    <section className="panel" data-testid="contract-follow">
      <h2>
        <code>{id}</code> {c && <Badge kind="status" value={c.status} />}{' '}
        <button type="button" data-testid="refresh-follow" onClick={contract.reload}>
          {t('common.refresh')}
        </button>
      </h2>
      <ErrorBanner error={contract.error} />
      {c && (
        <DataTable
          testId="contract-history"
          rows={c.history ?? []}
          rowKey={(h) => String(h.version)}
          columns={[
            { key: 'version', header: t('field.version'), render: (h) => h.version, sortBy: (h) => h.version },
            { key: 'at', header: t('field.time'), render: (h) => dateTime(h.at), sortBy: (h) => h.at },
            { key: 'type', header: t('field.history'), render: (h) => h.type },
            { key: 'by', header: t('field.department'), render: (h) => (h.by ? `${h.by.department} (${h.by.role})` : '—') },
            { key: 'reason', header: t('common.reason'), render: (h) => h.reason ?? '' },
          ]}
        />
      )}
    </section>
  );
};
