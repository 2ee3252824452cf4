import { ApiError } from '../api/graphql-client.js';
import { useI18n } from '../i18n/i18n.js';

/** An API refusal as the API stated it: its code and its reason. */
export const ErrorBanner = ({ error, title }: { error: unknown; title?: string }) => {
  const { t } = useI18n();
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL', String(error));
  return (
    <div className="error" role="alert" data-testid="error" data-code={apiError.code}>
      <strong>{title ?? t('error.title')}</strong> <code>{apiError.code}</code> {apiError.reason}
      {apiError.contractIds.length > 0 && <div>contractIds: {apiError.contractIds.join(', ')}</div>}
      {apiError.fields.length > 0 && <div>fields: {apiError.fields.join(', ')}</div>}
    </div>
  );
};
