import { useMemo, useState, type FormEvent } from 'react';
import type { EChartsOption } from 'echarts';
import { graphql } from '../api/graphql-client.js';
import {
  CONTRACT_STATUSES,
  type AccessOutcome,
  type AccessRecord,
  type AuditChainStatus,
  type AuditVerification,
  type Department,
  type SharingContract,
  type SubjectAccessReport,
} from '../api/models.js';
import {
  ACCESS_LOG,
  AUDIT_CHAIN_STATUS,
  CONTRACTS_WITH_HISTORY,
  SUBJECT_ACCESS_REPORT,
  VERIFY_AUDIT_CHAIN,
  WHO_COULD_READ,
} from '../api/operations.js';
import { contractStatesOverTime, daysBetween, readsPerDepartmentPerDay, refusalsByReason } from '../audit/chart-series.js';
import { useI18n } from '../i18n/i18n.js';
import type { Session } from '../session/identity.js';
import { Badge } from '../ui/badges.js';
import { Chart } from '../ui/chart.js';
import { DataTable } from '../ui/data-table.js';
import { ErrorBanner } from '../ui/error-banner.js';
import { useAction, useRemote } from '../ui/use-remote.js';
import { instantOf, loadDatasets, localInputValue } from './catalog.js';

const CHART_DAYS = 30;

/** The auditor: who did read, who could have, and whether the record is intact. */
export const AuditorView = ({ session }: { session: Session }) => (
  <div className="view" data-testid="auditor-view">
    <AccessLogSearch apiKey={session.apiKey} />
    <SubjectReport apiKey={session.apiKey} />
    <div className="columns">
      <WhoCouldRead apiKey={session.apiKey} />
      <ChainStatus apiKey={session.apiKey} />
    </div>
    <Charts apiKey={session.apiKey} />
  </div>
);

const AccessLogSearch = ({ apiKey }: { apiKey: string }) => {
  const { t, dateTime } = useI18n();
  const [filter, setFilter] = useState({ subjectId: '', department: '', contractId: '', from: '', to: '', outcome: '' });
  const [records, setRecords] = useState<AccessRecord[] | null>(null);
  const action = useAction();

  const search = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await action.run(() =>
      graphql<{ accessLog: AccessRecord[] }>(apiKey, ACCESS_LOG, {
        filter: {
          subjectId: filter.subjectId.trim() || null,
          department: filter.department.trim() || null,
          contractId: filter.contractId.trim() || null,
          from: instantOf(filter.from),
          to: instantOf(filter.to),
          outcome: (filter.outcome || null) as AccessOutcome | null,
        },
      }),
    );
    if (answer) setRecords(answer.accessLog);
  };
  const input = (name: keyof typeof filter, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} data-testid={`log-${name}`} value={filter[name]} onChange={(e) => setFilter({ ...filter, [name]: e.target.value })} />
    </label>
  );

  return (
    <section className="panel">
      <h2>{t('auditor.accessLog')}</h2>
      <form className="form inline-form" onSubmit={search}>
        {input('subjectId', t('auditor.subject'))}
        {input('department', t('field.department'))}
        {input('contractId', t('auditor.contract'))}
        {input('from', t('common.from'), 'datetime-local')}
        {input('to', t('common.to'), 'datetime-local')}
        <label>
          {t('auditor.outcome')}
          <select data-testid="log-outcome" value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: e.target.value })}>
            <option value="">—</option>
            <option>ALLOW</option>
            <option>PARTIAL</option>
            <option>REFUSED</option>
          </select>
        </label>
        <button type="submit" data-testid="log-search" disabled={action.busy}>
          {t('common.search')}
        </button>
      </form>
      <ErrorBanner error={action.error} />
      {records && (
        <DataTable
          testId="access-log"
          rows={records}
          rowKey={(r) => r.id}
          columns={[
            { key: 'at', header: t('field.time'), render: (r) => dateTime(r.recordedAt), sortBy: (r) => r.recordedAt },
            { key: 'outcome', header: t('auditor.outcome'), render: (r) => <Badge kind="outcome" value={r.outcome} />, sortBy: (r) => r.outcome },
            { key: 'dept', header: t('field.department'), render: (r) => r.department, sortBy: (r) => r.department },
            { key: 'client', header: t('field.client'), render: (r) => <code>{r.clientId.slice(0, 8)}</code> },
            { key: 'purpose', header: t('field.purpose'), render: (r) => r.purpose ?? '' },
            { key: 'contracts', header: t('auditor.contract'), render: (r) => r.contracts.map((c) => `${c.id.slice(0, 8)} v${c.version}`).join(', ') },
            {
              key: 'fields',
              header: t('field.fields'),
              render: (r) =>
                [...r.fields, ...r.maskedFields.map((m) => `${m.field}(${m.rule})`), ...r.deniedFields.map((f) => `✗${f}`)].join(', '),
            },
            { key: 'subjects', header: t('auditor.subjects'), render: (r) => r.subjects.map((s) => `${s.type}:${s.id}`).join(', ') },
            { key: 'refusal', header: t('auditor.refusal'), render: (r) => (r.code ? `${r.code}: ${r.reason ?? ''}` : '') },
          ]}
        />
      )}
    </section>
  );
};

/** The report's CSV as a file the browser saves; nothing leaves the page. */
const download = (name: string, csv: string) => {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/**
 * The whole report, page after page: the audit answers at most 1000 reads per call. Every page's
 * CSV starts with the header; the file keeps the first one.
 */
const loadSubjectReport = async (apiKey: string, variables: { subjectId: string; from: string | null; to: string | null }): Promise<SubjectAccessReport> => {
  const page = async (after: string | null) =>
    (await graphql<{ subjectAccessReport: SubjectAccessReport }>(apiKey, SUBJECT_ACCESS_REPORT, { ...variables, first: 1000, after })).subjectAccessReport;
  let report = await page(null);
  while (report.nextCursor !== null) {
    const next = await page(report.nextCursor);
    const csv = report.csv + next.csv.slice(next.csv.indexOf('\r\n') + 2);
    report = { ...report, entries: [...report.entries, ...next.entries], csv, nextCursor: next.nextCursor };
  }
  return report;
};

const SubjectReport = ({ apiKey }: { apiKey: string }) => {
  const { t, dateTime } = useI18n();
  const [query, setQuery] = useState({ subjectId: '', from: '', to: '' });
  const [report, setReport] = useState<SubjectAccessReport | null>(null);
  const action = useAction();
  const load = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await action.run(() =>
      loadSubjectReport(apiKey, { subjectId: query.subjectId.trim(), from: instantOf(query.from), to: instantOf(query.to) }),
    );
    if (answer) setReport(answer);
  };
  return (
    <section className="panel">
      <h2>{t('auditor.report')}</h2>
      <form className="form inline-form" onSubmit={load}>
        <label>
          {t('auditor.subject')}
          <input data-testid="report-subject" value={query.subjectId} onChange={(e) => setQuery({ ...query, subjectId: e.target.value })} required />
        </label>
        <label>
          {t('common.from')}
          <input type="datetime-local" value={query.from} onChange={(e) => setQuery({ ...query, from: e.target.value })} />
        </label>
        <label>
          {t('common.to')}
          <input type="datetime-local" value={query.to} onChange={(e) => setQuery({ ...query, to: e.target.value })} />
        </label>
        <button type="submit" data-testid="report-load" disabled={action.busy}>
          {t('common.search')}
        </button>
        {report && (
          <button type="button" data-testid="report-csv" onClick={() => download(`subject-access-${report.subjectId}.csv`, report.csv)}>
            {t('auditor.downloadCsv')}
          </button>
        )}
      </form>
      <ErrorBanner error={action.error} />
      {report && (
        <DataTable
          testId="subject-report"
          rows={report.entries}
          rowKey={(e) => `${e.at}-${e.clientId}-${e.fields.join()}`}
          columns={[
            { key: 'at', header: t('field.time'), render: (e) => dateTime(e.at), sortBy: (e) => e.at },
            { key: 'dept', header: t('field.department'), render: (e) => e.department, sortBy: (e) => e.department },
            { key: 'purpose', header: t('field.purpose'), render: (e) => e.purpose ?? '' },
            { key: 'fields', header: t('field.fields'), render: (e) => [...e.fields, ...e.maskedFields.map((m) => `${m.field}(${m.rule})`)].join(', ') },
            { key: 'contracts', header: t('auditor.contract'), render: (e) => e.contracts.map((c) => `${c.id.slice(0, 8)} v${c.version}`).join(', ') },
            { key: 'withheld', header: t('auditor.withheld'), render: (e) => (e.withheld ? '✓' : '') },
          ]}
        />
      )}
    </section>
  );
};

const WhoCouldRead = ({ apiKey }: { apiKey: string }) => {
  const { t } = useI18n();
  const datasets = useRemote(() => loadDatasets(apiKey), [apiKey]);
  const [query, setQuery] = useState({ datasetCode: '', field: '', subjectId: '', at: localInputValue(new Date(), true) });
  const [answer, setAnswer] = useState<Department[] | null>(null);
  const action = useAction();
  const dataset = datasets.data?.find((d) => d.code === query.datasetCode) ?? datasets.data?.[0];
  const field = query.field || dataset?.fields[0]?.name || '';
  const ask = async (event: FormEvent) => {
    event.preventDefault();
    const result = await action.run(() =>
      graphql<{ whoCouldRead: Department[] }>(apiKey, WHO_COULD_READ, {
        datasetCode: dataset?.code,
        field,
        subjectId: query.subjectId.trim() || null,
        at: instantOf(query.at),
      }),
    );
    if (result) setAnswer(result.whoCouldRead);
  };
  return (
    <section className="panel">
      <h2>{t('auditor.whoCouldRead')}</h2>
      <form className="form" onSubmit={ask}>
        <label>
          {t('field.dataset')}
          <select data-testid="who-dataset" value={dataset?.code ?? ''} onChange={(e) => setQuery({ ...query, datasetCode: e.target.value, field: '' })}>
            {(datasets.data ?? []).map((d) => (
              <option key={d.code} value={d.code}>
                {d.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('field.fields')}
          <select data-testid="who-field" value={field} onChange={(e) => setQuery({ ...query, field: e.target.value })}>
            {(dataset?.fields ?? []).map((f) => (
              <option key={f.name}>{f.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('auditor.subject')}
          <input data-testid="who-subject" value={query.subjectId} onChange={(e) => setQuery({ ...query, subjectId: e.target.value })} />
        </label>
        <label>
          {t('auditor.whoCouldReadAt')}
          {/* To the second: a grant may begin or end within a minute. */}
          <input type="datetime-local" step={1} data-testid="who-at" value={query.at} onChange={(e) => setQuery({ ...query, at: e.target.value })} required />
        </label>
        <button type="submit" data-testid="who-search" disabled={action.busy || !dataset}>
          {t('common.search')}
        </button>
      </form>
      <ErrorBanner error={action.error ?? datasets.error} />
      {answer && (
        <p data-testid="who-could-read">
          {t('auditor.whoCouldReadAnswer')} {answer.length > 0 ? answer.map((d) => (d.name ? `${d.name} (${d.code})` : d.code)).join('、') : t('common.none')}
        </p>
      )}
    </section>
  );
};

const ChainStatus = ({ apiKey }: { apiKey: string }) => {
  const { t, dateTime } = useI18n();
  const status = useRemote(async () => (await graphql<{ auditChainStatus: AuditChainStatus }>(apiKey, AUDIT_CHAIN_STATUS)).auditChainStatus, [apiKey]);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const action = useAction();
  const verify = async () => {
    const answer = await action.run(() => graphql<{ verifyAuditChain: AuditVerification }>(apiKey, VERIFY_AUDIT_CHAIN));
    if (answer) setVerification(answer.verifyAuditChain);
    status.reload();
  };
  const s = status.data;
  return (
    <section className="panel" data-testid="chain-status">
      <h2>{t('auditor.chain')}</h2>
      <ErrorBanner error={status.error ?? action.error} />
      {s && (
        <dl className="facts">
          <dt>{t('auditor.seals')}</dt>
          <dd>{s.seals}</dd>
          <dt>{t('auditor.sealedThrough')}</dt>
          <dd>{s.sealedThrough ?? '—'}</dd>
          <dt>{t('auditor.lastSealedAt')}</dt>
          <dd>{dateTime(s.lastSealedAt)}</dd>
          <dt>{t('auditor.unsealed')}</dt>
          <dd>{s.unsealedEvents}</dd>
        </dl>
      )}
      <button type="button" data-testid="verify-chain" disabled={action.busy} onClick={verify}>
        {t('auditor.verify')}
      </button>
      {verification && (
        <p className={verification.ok ? 'ok' : 'error'} data-testid="verification">
          {verification.ok
            ? t('auditor.verifyOk', { checked: verification.checkedEvents, seals: verification.seals })
            : t('auditor.verifyBad', { position: verification.firstBadPosition ?? '?', reason: verification.reason ?? '' })}
        </p>
      )}
    </section>
  );
};

const Charts = ({ apiKey }: { apiKey: string }) => {
  const { t } = useI18n();
  const since = useMemo(() => new Date(Date.now() - (CHART_DAYS - 1) * 86_400_000), []);
  const data = useRemote(async () => {
    const [log, contracts] = await Promise.all([
      graphql<{ accessLog: AccessRecord[] }>(apiKey, ACCESS_LOG, { filter: { from: since.toISOString(), limit: 5000 } }),
      graphql<{ sharingContracts: SharingContract[] }>(apiKey, CONTRACTS_WITH_HISTORY, { filter: null }),
    ]);
    return { records: log.accessLog, contracts: contracts.sharingContracts };
  }, [apiKey, since]);
  const options = useMemo(() => {
    if (!data.data) return null;
    const days = daysBetween(since, new Date());
    const reads = readsPerDepartmentPerDay(data.data.records, days);
    const refusals = refusalsByReason(data.data.records);
    const states = contractStatesOverTime(
      data.data.contracts.map((c) => c.history ?? []),
      days,
      CONTRACT_STATUSES,
    );
    const axis = { type: 'category' as const, data: days.map((d) => d.slice(5)) };
    const readsOption: EChartsOption = {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: {},
      xAxis: axis,
      yAxis: { type: 'value', minInterval: 1 },
      series: reads.map((s) => ({ name: s.name, type: 'bar', stack: 'reads', data: s.values })),
    };
    const refusalsOption: EChartsOption = {
      animation: false,
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: refusals }],
    };
    const statesOption: EChartsOption = {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: {},
      xAxis: axis,
      yAxis: { type: 'value', minInterval: 1 },
      series: states.map((s) => ({ name: s.name, type: 'line', stack: 'states', areaStyle: {}, data: s.values })),
    };
    return { readsOption, refusalsOption, statesOption };
  }, [data.data, since]);
  return (
    <section className="panel">
      <h2>
        {t('auditor.charts')}{' '}
        <button type="button" onClick={data.reload}>
          {t('common.refresh')}
        </button>
      </h2>
      <ErrorBanner error={data.error} />
      {options && (
        <div className="charts">
          <figure>
            <figcaption>{t('auditor.readsPerDay')}</figcaption>
            <Chart testId="chart-reads" option={options.readsOption} />
          </figure>
          <figure>
            <figcaption>{t('auditor.refusals')}</figcaption>
            <Chart testId="chart-refusals" option={options.refusalsOption} />
          </figure>
          <figure>
            <figcaption>{t('auditor.contractStates')}</figcaption>
            <Chart testId="chart-states" option={options.statesOption} />
          </figure>
        </div>
      )}
    </section>
  );
};
