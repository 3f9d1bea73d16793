/** Account: name, credits and this month's renders. */
import { useEffect, useState } from 'preact/hooks';
import { api, type Me } from '../api';
import { ErrorBox, when } from '../ui';

interface Account {
  id: string;
  name: string;
  credits: number | null;
  createdAt: string;
}

export function AccountPage({ me }: { me: Me }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [usage, setUsage] = useState<{ renders: number; seconds: number; credits: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ account: Account }>('GET', '/v2/account').then((r) => setAccount(r.account), setError);
    if (me.key.scopes.includes('movies:read')) {
      const from = new Date();
      from.setUTCDate(1);
      from.setUTCHours(0, 0, 0, 0);
      api<{ movies: { status: string; duration: number | null; credits: number }[] }>('GET', `/v2/movies?limit=100&from=${encodeURIComponent(from.toISOString())}`).then(
        (r) => setUsage({ renders: r.movies.length, seconds: r.movies.reduce((s, m) => s + (m.duration ?? 0), 0), credits: r.movies.reduce((s, m) => s + m.credits, 0) }),
        () => undefined,
      );
    }
  }, [me]);
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <ErrorBox error={error} />
      {account && (
        <dl class="card">
          <dt>Name</dt>
          <dd>{account.name}</dd>
          <dt>Credits</dt>
          <dd data-testid="credits">{account.credits === null ? 'unlimited' : account.credits}</dd>
          <dt>Created</dt>
          <dd>{when(account.createdAt)}</dd>
          <dt>Signed in with</dt>
          <dd>
            {me.key.name} (<code>{me.key.prefix}</code>, {me.key.role})
          </dd>
        </dl>
      )}
      {usage && (
        <dl class="card">
          <dt>Renders this month (latest 100)</dt>
          <dd>{usage.renders}</dd>
          <dt>Seconds rendered</dt>
          <dd>{usage.seconds.toFixed(1)}</dd>
          <dt>Credits spent</dt>
          <dd>{usage.credits}</dd>
        </dl>
      )}
    </section>
  );
}
