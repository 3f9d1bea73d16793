/** The shell: sign-in, then navigation to the pages the key's scopes allow (the server enforces them). */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, can, whenSignedOut, type Me } from './api';
import { useLocation } from './router';
import { ErrorBox } from './ui';
import { AccountPage } from './pages/account';
import { ConnectionsPage } from './pages/connections';
import { EditorPage } from './pages/editor';
import { KeysPage } from './pages/keys';
import { RendersPage } from './pages/renders';
import { TemplatesPage } from './pages/templates';
import { WebhooksPage } from './pages/webhooks';

const PAGES = [
  { id: 'renders', label: 'Renders', scope: 'movies:read' },
  { id: 'editor', label: 'Editor', scope: 'movies:create' },
  { id: 'templates', label: 'Templates', scope: 'templates:read' },
  { id: 'keys', label: 'API keys', scope: 'keys:read' },
  { id: 'connections', label: 'Connections', scope: 'connections:read' },
  { id: 'webhooks', label: 'Webhooks', scope: 'webhooks:read' },
  { id: 'account', label: 'Account', scope: 'account:read' },
];

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [notice, setNotice] = useState('');
  const loc = useLocation();
  // A 401 only means "your session ended" to someone who was signed in (not to the first visit).
  const signedIn = useRef(false);
  signedIn.current = !!me;

  const load = useCallback(async () => {
    try {
      const r = await api<Me>('GET', '/v2/auth/verify');
      setMe(r);
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      if (!signedIn.current) return;
      setMe(null);
      setNotice('Your session has ended (signed out, expired, or its key was revoked). Sign in again.');
    });
    void load();
  }, [load]);

  if (me === undefined) return <main class="center">Loading…</main>;
  if (me === null) return <SignIn notice={notice} onSignedIn={(m) => { setNotice(''); setMe(m); }} />;

  const pages = PAGES.filter((p) => can(me, p.scope));
  const current = pages.find((p) => p.id === loc.page) ?? pages[0];
  const signOut = async () => {
    await api('DELETE', '/v2/auth/session').catch(() => undefined);
    setMe(null);
  };
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Reelay</span>
        <nav aria-label="Pages">
          {pages.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === current?.id ? 'page' : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <span class="who">
          <span title="Signed in with this key">{me.key.name} ({me.key.prefix})</span>
          <button onClick={signOut}>Sign out</button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {!current && <p>This key can use none of the dashboard's pages.</p>}
        {current?.id === 'renders' && <RendersPage me={me} />}
        {current?.id === 'editor' && <EditorPage me={me} params={loc.params} />}
        {current?.id === 'templates' && <TemplatesPage me={me} />}
        {current?.id === 'keys' && <KeysPage me={me} />}
        {current?.id === 'connections' && <ConnectionsPage me={me} />}
        {current?.id === 'webhooks' && <WebhooksPage me={me} />}
        {current?.id === 'account' && <AccountPage me={me} />}
      </main>
    </div>
  );
}

function SignIn({ notice, onSignedIn }: { notice: string; onSignedIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/v2/auth/session', { key });
      setKey('');
      onSignedIn(await api<Me>('GET', '/v2/auth/verify'));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? new Error('That key was not accepted (unknown, revoked or expired).') : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="center">
      <form class="card signin" onSubmit={submit}>
        <h1>Reelay</h1>
        {notice && <p class="notice" role="status">{notice}</p>}
        <label for="key">API key</label>
        <input id="key" type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} required />
        <p class="hint">The dashboard acts with exactly this key's scopes. The key itself is not stored in the browser.</p>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}
