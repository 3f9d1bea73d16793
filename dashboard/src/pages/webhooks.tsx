/** Webhooks: subscriptions (secret shown once), the delivery log with every attempt, redeliver, test ping. */
import { useEffect, useState } from 'preact/hooks';
import { api, can, type Me } from '../api';
import { Confirm, ErrorBox, ShownOnce, Status, Table, useActions, useRefreshWhile, when } from '../ui';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  disabled: boolean;
  disabled_reason: string | null;
  created_at: string;
}

interface Delivery {
  id: string;
  event: string;
  project: string | null;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
}

interface Attempt {
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
}

export function WebhooksPage({ me }: { me: Me }) {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const { tick, error, setError, run } = useActions();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<Webhook | null>(null);
  const [removing, setRemoving] = useState<Webhook | null>(null);
  const writable = can(me, 'webhooks:write');

  useEffect(() => {
    api<{ webhooks: Webhook[] }>('GET', '/v2/webhooks').then((r) => setHooks(r.webhooks), setError);
  }, [tick]);

  const create = (ev: Event) => {
    ev.preventDefault();
    return run(async () => {
      const r = await api<{ secret: string }>('POST', '/v2/webhooks', { url });
      setUrl('');
      setSecret(r.secret);
    });
  };
  const remove = (w: Webhook) => {
    setRemoving(null);
    if (open?.id === w.id) setOpen(null);
    return run(() => api('DELETE', `/v2/webhooks/${encodeURIComponent(w.id)}`));
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      {writable && (
        <form class="row" onSubmit={create}>
          <label for="hook-url">Receiver URL</label>
          <input id="hook-url" type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} required placeholder="https://example.com/hooks/reelay" />
          <button class="primary" type="submit">
            Subscribe
          </button>
        </form>
      )}
      <ErrorBox error={error} />
      <Table headers={['URL', 'Events', 'State', 'Actions']}>
        {hooks.map((w) => (
          <tr key={w.id}>
            <td class="url">{w.url}</td>
            <td>{w.events.join(', ')}</td>
            <td>{w.disabled ? `disabled${w.disabled_reason ? `: ${w.disabled_reason}` : ''}` : 'active'}</td>
            <td class="actions">
              <button onClick={() => setOpen(w)} aria-label={`Deliveries of ${w.url}`}>
                Deliveries
              </button>
              {writable && (
                <button class="danger" onClick={() => setRemoving(w)} aria-label={`Delete ${w.url}`}>
                  Delete
                </button>
              )}
            </td>
          </tr>
        ))}
        {hooks.length === 0 && (
          <tr>
            <td colSpan={4}>No subscriptions yet.</td>
          </tr>
        )}
      </Table>
      {open && <Deliveries hook={open} writable={writable} />}
      {secret && (
        <ShownOnce
          title="Signing secret"
          secret={secret}
          warning="Copy the signing secret now: it is shown only this once. Receivers check each delivery's signature with it."
          testId="webhook-secret"
          onClose={() => setSecret(null)}
        />
      )}
      {removing && <Confirm title="Delete the subscription?" text={`${removing.url} will receive no more events; its delivery log is deleted.`} action="Delete" onConfirm={() => remove(removing)} onClose={() => setRemoving(null)} />}
    </section>
  );
}

function Deliveries({ hook, writable }: { hook: Webhook; writable: boolean }) {
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [attempts, setAttempts] = useState<{ id: string; list: Attempt[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api<{ deliveries: Delivery[] }>('GET', `/v2/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=50`).then((r) => setDeliveries(r.deliveries), setError);
  }, [hook.id, tick]);
  // A pending delivery changes within seconds: follow it.
  const live = deliveries.some((d) => d.status === 'pending' || d.status === 'sending');
  useRefreshWhile(live, tick, () => setTick((n) => n + 1));

  const act = async (path: string) => {
    setError(null);
    try {
      await api('POST', path, {});
      setTimeout(() => setTick((n) => n + 1), 500);
    } catch (err) {
      setError(err);
    }
  };
  const showAttempts = async (d: Delivery) => {
    try {
      const r = await api<{ attempts: Attempt[] }>('GET', `/v2/webhooks/deliveries/${encodeURIComponent(d.id)}`);
      setAttempts({ id: d.id, list: r.attempts });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <article class="card" aria-label="Delivery log">
      <div class="row spread">
        <h2>Deliveries to {hook.url}</h2>
        {writable && <button onClick={() => act(`/v2/webhooks/${encodeURIComponent(hook.id)}/test`)}>Send test ping</button>}
      </div>
      <ErrorBox error={error} />
      <Table headers={['Event', 'Project', 'Status', 'Attempts', 'Last answer', 'Created', 'Actions']}>
        {deliveries.map((d) => (
          <tr key={d.id} data-delivery={d.id}>
            <td>{d.event}</td>
            <td>{d.project ?? '—'}</td>
            <td>
              <Status value={d.status} />
            </td>
            <td>{d.attempts}</td>
            <td>{d.last_status_code ?? d.last_error ?? '—'}</td>
            <td>{when(d.created_at)}</td>
            <td class="actions">
              <button onClick={() => showAttempts(d)}>Attempts</button>
              {writable && <button onClick={() => act(`/v2/webhooks/${encodeURIComponent(hook.id)}/deliveries/${encodeURIComponent(d.id)}/redeliver`)}>Redeliver</button>}
            </td>
          </tr>
        ))}
        {deliveries.length === 0 && (
          <tr>
            <td colSpan={7}>No deliveries yet.</td>
          </tr>
        )}
      </Table>
      {attempts && (
        <section aria-label="Attempts" class="attempts">
          <h3>Attempts of {attempts.id}</h3>
          <ol>
            {attempts.list.map((a) => (
              <li key={a.attempt}>
                #{a.attempt} at {when(a.at)}: {a.status_code ?? 'no answer'} {a.latency_ms !== null ? `in ${a.latency_ms} ms` : ''} {a.error ?? ''}
              </li>
            ))}
          </ol>
        </section>
      )}
    </article>
  );
}
