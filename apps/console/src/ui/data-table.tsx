import { useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';

export interface Column<Row> {
  key: string;
  header: string;
  render: (row: Row) => ReactNode;
  /** What the column sorts by; a column without it does not sort. */
  sortBy?: (row: Row) => string | number;
}

interface DataTableProps<Row> {
  testId: string;
  rows: readonly Row[];
  columns: ReadonlyArray<Column<Row>>;
  rowKey: (row: Row) => string;
  pageSize?: number;
  rowClass?: (row: Row) => string | undefined;
  onRowClick?: (row: Row) => void;
}

/** A table that sorts by a column's header and pages through its rows. */
export const DataTable = <Row,>({ testId, rows, columns, rowKey, pageSize = 10, rowClass, onRowClick }: DataTableProps<Row>) => {
  const { t } = useI18n();
  const [sort, setSort] = useState<{ key: string; descending: boolean } | null>(null);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort?.key);
    if (!column?.sortBy || !sort) return rows;
    const by = column.sortBy;
    const direction = sort.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = by(a);
      const y = by(b);
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * direction;
    });
  }, [rows, columns, sort]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = sorted.slice(current * pageSize, (current + 1) * pageSize);

  const toggleSort = (key: string) =>
    setSort((previous) => (previous?.key === key ? { key, descending: !previous.descending } : { key, descending: false }));

  return (
    <div className="table" data-testid={testId}>
      <table>
        <thead>
          <tr>
            {columns.map((column) => (
              <th
                key={column.key}
                className={column.sortBy ? 'sortable' : undefined}
                onClick={column.sortBy ? () => toggleSort(column.key) : undefined}
                aria-sort={sort?.key === column.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
              >
                {column.header}
                {sort?.key === column.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {t('common.empty')}
              </td>
            </tr>
          ) : (
            shown.map((row) => (
              <tr
                key={rowKey(row)}
                data-row={rowKey(row)}
                className={[rowClass?.(row), onRowClick ? 'clickable' : undefined].filter(Boolean).join(' ') || undefined}
                onClick={onRowClick ? () => onRowClick(row) : undefined}
              >
                {columns.map((column) => (
                  <td key={column.key}>{column.render(row)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {pages > 1 && (
        <div className="pager">
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            {t('common.prev')}
          </button>
          <span>{t('common.page', { page: current + 1, pages, count: sorted.length })}</span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            {t('common.next')}
          </button>
        </div>
      )}
    </div>
  );
};
