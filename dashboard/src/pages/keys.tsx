/**
 * API keys: create (role or scopes with their risk labels, expiry) with the key shown ONCE, the list
 * (prefixes only), roll with a grace period, revoke with confirmation, usage per day, the audit log.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, can, type KeyView, type Me } from '../api';
import { Confirm, ErrorBox, FormButtons, Modal, ShownOnce, Status, Table, useActions, when } from '../ui';

interface ScopeInfo {
  scope: string;
  risk: 'low' | 'medium' | 'high';
  description: string;
}

export function KeysPage({ me }: { me: Me }) {
  const [keys, setKeys] = useState<KeyView[]>([]);
  const { tick, reload, error, setError, run } = useActions();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ key: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<KeyView | null>(null);
  const [rolling, setRolling] = useState<KeyView | null>(null);
  const [usageOf, setUsageOf] = useState<KeyView | null>(null);
  const writable = can(me, 'keys:write');

  useEffect(() => {
    api<{ keys: KeyView[] }>('GET', '/v2/keys?limit=100').then((r) => setKeys(r.keys), setError);
  }, [tick]);

  const revoke = (k: KeyView) => {
    setRevoking(null);
    return run(() => api('DELETE', `/v2/keys/${encodeURIComponent(k.id)}`));
  };

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      {writable && (
        <button class="primary" onClick={() => setCreating(true)}>
          Create key
        </button>
      )}
      <ErrorBox error={error} />
      <Table headers={['Name', 'Key', 'Role / scopes', 'Status', 'Created', 'Last used', 'Expires', 'Actions']}>
        {keys.map((k) => (
          <tr key={k.id} data-key-id={k.id}>
            <td>{k.name}</td>
            <td>
              <code class="prefix">{k.prefix}</code>
            </td>
            <td>
              {k.role} {k.risk && <span class={`risk risk-${k.risk}`}>{k.risk} risk</span>}
              <details>
                <summary>{k.scopes.length} scopes</summary>
                {k.scopes.join(', ')}
              </details>
            </td>
            <td>
              <Status value={k.status} />
            </td>
            <td>{when(k.createdAt)}</td>
            <td>{when(k.lastUsedAt)}</td>
            <td>{k.expiresAt ? when(k.expiresAt) : 'never'}</td>
            <td class="actions">
              <button onClick={() => setUsageOf(k)} aria-label={`Usage of ${k.name}`}>
                Usage
              </button>
              {writable && !k.isPrimary && k.status === 'active' && (
                <>
                  <button onClick={() => setRolling(k)} aria-label={`Roll ${k.name}`}>
                    Roll
                  </button>
                  <button class="danger" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {usageOf && <Usage k={usageOf} onClose={() => setUsageOf(null)} />}
      <AuditLog tick={tick} />
      {creating && (
        <CreateKey
          onClose={() => setCreating(false)}
          onCreated={(key, name) => {
            setCreating(false);
            setSecret({ key, name });
            reload();
          }}
        />
      )}
      {rolling && (
        <RollKey
          k={rolling}
          onClose={() => setRolling(null)}
          onRolled={(key) => {
            setSecret({ key, name: rolling.name });
            setRolling(null);
            reload();
          }}
        />
      )}
      {secret && (
        <ShownOnce
          title={`Key “${secret.name}” created`}
          secret={secret.key}
          warning="Copy this key now. It is shown only this once; Reelay keeps only its hash."
          testId="new-key"
          onClose={() => setSecret(null)}
        />
      )}
      {revoking && (
        <Confirm
          title="Revoke this key?"
          text={`“${revoking.name}” (${revoking.prefix}) stops working at once, on every bridge, and its dashboard sessions end.`}
          action="Revoke"
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(null)}
        />
      )}
    </section>
  );
}

function CreateKey({ onClose, onCreated }: { onClose: () => void; onCreated: (key: string, name: string) => void }) {
  const [info, setInfo] = useState<{ scopes: ScopeInfo[]; roles: Record<string, string[]> } | null>(null);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'role' | 'scopes'>('role');
  const [role, setRole] = useState('render');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api('GET', '/v2/scopes').then(setInfo, setError);
  }, []);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    try {
      const body: Record<string, unknown> = { name };
      if (mode === 'role') body.role = role;
      else body.scopes = scopes;
      if (expires) body.expiresAt = new Date(`${expires}T23:59:59`).toISOString();
      const r = await api<{ key: string }>('POST', '/v2/keys', body);
      onCreated(r.key, name);
    } catch (err) {
      setError(err);
    }
  };
  const riskOf = (s: string) => info?.scopes.find((x) => x.scope === s)?.risk ?? 'low';
  return (
    <Modal title="Create an API key" onClose={onClose}>
      <form onSubmit={submit}>
        <div class="field">
          <label for="key-name">Name</label>
          <input id="key-name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={100} />
        </div>
        <fieldset>
          <legend>Access</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'role'} onChange={() => setMode('role')} /> A role
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'scopes'} onChange={() => setMode('scopes')} /> Chosen scopes
          </label>
          {mode === 'role' && info && (
            <div class="field">
              <label for="key-role">Role</label>
              <select id="key-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                {Object.keys(info.roles).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <p class="hint">
                {(info.roles[role] ?? []).map((s) => (
                  <span key={s} class={`chip risk-${riskOf(s)}`}>
                    {s}
                  </span>
                ))}
              </p>
            </div>
          )}
          {mode === 'scopes' && info && (
            <ul class="scopes">
              {info.scopes.map((s) => (
                <li key={s.scope}>
                  <label>
                    <input
                      type="checkbox"
                      checked={scopes.includes(s.scope)}
                      onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s.scope] : scopes.filter((x) => x !== s.scope))}
                    />{' '}
                    <code>{s.scope}</code> <span class={`risk risk-${s.risk}`}>{s.risk}</span> {s.description}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div class="field">
          <label for="key-expires">Expires (optional)</label>
          <input id="key-expires" type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </div>
        <ErrorBox error={error} />
        <FormButtons submit="Create" onCancel={onClose} />
      </form>
    </Modal>
  );
}

function RollKey({ k, onClose, onRolled }: { k: KeyView; onClose: () => void; onRolled: (key: string) => void }) {
  const [grace, setGrace] = useState('3600');
  const [error, setError] = useState<unknown>(null);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    try {
      const r = await api<{ key: string }>('POST', `/v2/keys/${encodeURIComponent(k.id)}/roll`, { graceSeconds: Number(grace) });
      onRolled(r.key);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal title={`Roll “${k.name}”`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>A new secret replaces {k.prefix}; the old one keeps working for the grace period, so clients can switch.</p>
        <div class="field">
          <label for="grace">Grace period</label>
          <select id="grace" value={grace} onChange={(e) => setGrace(e.currentTarget.value)}>
            <option value="0">none (at once)</option>
            <option value="3600">1 hour</option>
            <option value="86400">1 day</option>
            <option value="604800">7 days</option>
          </select>
        </div>
        <ErrorBox error={error} />
        <FormButtons submit="Roll" onCancel={onClose} />
      </form>
    </Modal>
  );
}

function Usage({ k, onClose }: { k: KeyView; onClose: () => void }) {
  const [days, setDays] = useState<{ date: string; total: number }[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ days: { date: string; total: number }[] }>('GET', `/v2/keys/${encodeURIComponent(k.id)}/usage?days=14`).then((r) => {
      // Every one of the 14 days gets a bar, also those without requests.
      const totals = new Map(r.days.map((d) => [d.date, d.total]));
      const list = Array.from({ length: 14 }, (_, i) => {
        const date = new Date(Date.now() - (13 - i) * 86_400_000).toISOString().slice(0, 10);
        return { date, total: totals.get(date) ?? 0 };
      });
      setDays(list);
    }, setError);
  }, [k.id]);
  const max = Math.max(1, ...(days ?? []).map((d) => d.total));
  return (
    <article class="card" aria-label={`Usage of ${k.name}`}>
      <div class="row spread">
        <h2>Usage of “{k.name}”, requests per day</h2>
        <button onClick={onClose}>Close</button>
      </div>
      <ErrorBox error={error} />
      {days && (
        <svg class="chart" viewBox={`0 0 ${days.length * 24} 110`} role="img" aria-label={`Requests per day: ${days.map((d) => `${d.date} ${d.total}`).join(', ')}`}>
          {days.map((d, i) => {
            const h = Math.max(1, (d.total / max) * 80);
            return (
              <g key={d.date}>
                <rect x={i * 24 + 4} y={95 - h} width={16} height={h} class="bar">
                  <title>
                    {d.date}: {d.total}
                  </title>
                </rect>
                {d.total > 0 && (
                  <text x={i * 24 + 12} y={92 - h} text-anchor="middle" class="axis">
                    {d.total}
                  </text>
                )}
                <text x={i * 24 + 12} y={107} text-anchor="middle" class="axis">
                  {d.date.slice(8)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </article>
  );
}

interface AuditEntry {
  id: string;
  event: string;
  keyId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

function AuditLog({ tick }: { tick: number }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ entries: AuditEntry[] }>('GET', '/v2/audit?limit=50').then((r) => setEntries(r.entries), setError);
  }, [tick]);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <ErrorBox error={error} />
      <Table headers={['When', 'Event', 'Key', 'Address', 'Details']}>
        {entries.map((e) => (
          <tr key={e.id}>
            <td>{when(e.createdAt)}</td>
            <td>
              <code class="nowrap">{e.event}</code>
            </td>
            <td>{e.keyId ?? '—'}</td>
            <td>{e.ip ?? '—'}</td>
            <td>
              <code class="details">{JSON.stringify(e.details)}</code>
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
