import { useEffect, useState } from 'react';
import type { Role } from './api/models.js';
import { useI18n } from './i18n/i18n.js';
import type { MessageKey } from './i18n/messages.js';
import { forgetApiKey, identify, storedApiKey, type Session } from './session/identity.js';
import { AuditorView } from './views/auditor.view.js';
import { BureauView } from './views/bureau.view.js';
import { ConsumerView } from './views/consumer.view.js';
import { SignInView } from './views/sign-in.view.js';
import { StewardView } from './views/steward.view.js';

type ViewName = 'consumer' | 'steward' | 'bureau' | 'auditor';

/** Which views a key's roles open: a view is offered only to the roles that may act in it. */
const VIEWS: ReadonlyArray<{ name: ViewName; label: MessageKey; roles: readonly Role[] }> = [
  { name: 'consumer', label: 'nav.consumer', roles: ['CONSUMER', 'STEWARD'] },
  { name: 'steward', label: 'nav.steward', roles: ['STEWARD'] },
  { name: 'bureau', label: 'nav.bureau', roles: ['PLATFORM'] },
  { name: 'auditor', label: 'nav.auditor', roles: ['AUDITOR'] },
];

const BASE = '/console/';
const routeOf = (): string => window.location.pathname.replace(/^\/console\/?/, '').split('/')[0];

export const ConsoleApp = () => {
  const { t, toggle } = useI18n();
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedApiKey() !== null);
  const [route, setRoute] = useState(routeOf);

  useEffect(() => {
    const apiKey = storedApiKey();
    if (apiKey) {
      identify(apiKey).then(
        (identity) => setSession({ apiKey, identity }),
        () => forgetApiKey(),
      ).finally(() => setRestoring(false));
    }
    const onPop = () => setRoute(routeOf());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = (name: string) => {
    window.history.pushState(null, '', BASE + name);
    setRoute(name);
  };
  const signOut = () => {
    forgetApiKey();
    setSession(null);
    window.history.pushState(null, '', BASE);
  };

  const views = session ? VIEWS.filter((view) => view.roles.some((role) => session.identity.roles.includes(role))) : [];
  const active = views.find((view) => view.name === route) ?? views[0];

  return (
    <div className="app">
      <header>
        <h1>{t('app.title')}</h1>
        {session && (
          <nav>
            {views.map((view) => (
              <a
                key={view.name}
                href={BASE + view.name}
                data-testid={`nav-${view.name}`}
                className={view === active ? 'active' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(view.name);
                }}
              >
                {t(view.label)}
              </a>
            ))}
          </nav>
        )}
        <div className="who">
          {session && (
            <span data-testid="identity">
              {t('app.signedInAs')}: {session.identity.department} · {session.identity.roles.join(', ')}
            </span>
          )}
          <button type="button" data-testid="language" onClick={toggle}>
            {t('app.language')}
          </button>
          {session && (
            <button type="button" data-testid="sign-out" onClick={signOut}>
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      <main>
        {restoring ? (
          <p>{t('common.loading')}</p>
        ) : !session ? (
          <SignInView onSignedIn={setSession} />
        ) : !active ? (
          <p>{t('app.noView')}</p>
        ) : active.name === 'consumer' ? (
          <ConsumerView session={session} />
        ) : active.name === 'steward' ? (
          <StewardView session={session} />
        ) : active.name === 'bureau' ? (
          <BureauView session={session} />
        ) : (
          <AuditorView session={session} />
        )}
      </main>
    </div>
  );
};
