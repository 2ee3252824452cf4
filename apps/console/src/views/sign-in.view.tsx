import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { identify, storeApiKey, type Session } from '../session/identity.js';
import { ErrorBanner } from '../ui/error-banner.js';
import { useAction } from '../ui/use-remote.js';

export const SignInView = ({ onSignedIn }: { onSignedIn: (session: Session) => void }) => {
  const { t } = useI18n();
  const [apiKey, setApiKey] = useState('');
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = apiKey.trim();
    const identity = await action.run(() => identify(key));
    if (identity) {
      storeApiKey(key);
      onSignedIn({ apiKey: key, identity });
    }
  };

  return (
    <section className="panel sign-in">
      <h2>{t('signIn.title')}</h2>
      <form onSubmit={submit}>
        <label>
          {t('signIn.key')}
          <input data-testid="api-key" type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} required />
        </label>
        <button type="submit" data-testid="sign-in" disabled={action.busy}>
          {t('signIn.submit')}
        </button>
      </form>
      <p className="note">{t('signIn.note')}</p>
      <ErrorBanner error={action.error} title={t('signIn.failed')} />
    </section>
  );
};
