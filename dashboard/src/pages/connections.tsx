/**
 * Connections: forms generated from `GET /v2/connection-types` JSON Schemas. Sensitive fields are
 * password inputs, shown masked once saved, and rotated by typing a new value.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, can, type Me } from '../api';
import { Confirm, ErrorBox, FormButtons, Table, useActions } from '../ui';

interface FieldSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
}

interface ConnectionType {
  type: string;
  title: string;
  kind: string;
  sensitive: string[];
  where: string[];
  renderOverridable: string[];
  schema: { properties?: Record<string, FieldSchema>; required?: string[] };
}

interface Connection {
  id: string;
  type: string;
  name: string | null;
  masked: string[];
  [field: string]: unknown;
}

export function ConnectionsPage({ me }: { me: Me }) {
  const [types, setTypes] = useState<ConnectionType[]>([]);
  const [connections, setConnections] = useState<Connection[]>([]);
  const { tick, reload, error, setError, run } = useActions();
  const [editing, setEditing] = useState<Connection | 'new' | null>(null);
  const [removing, setRemoving] = useState<Connection | null>(null);
  const writable = can(me, 'connections:write');

  useEffect(() => {
    api<{ types: ConnectionType[] }>('GET', '/v2/connection-types').then((r) => setTypes(r.types), setError);
  }, []);
  useEffect(() => {
    api<{ connections: Connection[] }>('GET', '/v2/connections').then((r) => setConnections(r.connections), setError);
  }, [tick]);

  const remove = (c: Connection) => {
    setRemoving(null);
    return run(() => api('DELETE', `/v2/connections/${encodeURIComponent(c.id)}`));
  };

  return (
    <section aria-labelledby="connections-title">
      <h1 id="connections-title">Connections</h1>
      <p class="hint">Credentials for voices, image generators and export destinations. Secrets are encrypted and never shown again; type a new value to rotate one.</p>
      {writable && (
        <button class="primary" onClick={() => setEditing('new')}>
          New connection
        </button>
      )}
      <ErrorBox error={error} />
      <Table headers={['Id', 'Type', 'Name', 'Fields', 'Actions']}>
        {connections.map((c) => (
          <tr key={c.id} data-connection={c.id}>
            <td>
              <code>{c.id}</code>
            </td>
            <td>{c.type}</td>
            <td>{c.name ?? '—'}</td>
            <td>
              <dl class="fields">
                {Object.entries(c)
                  .filter(([k]) => !['id', 'type', 'name', 'masked', 'created_at', 'updated_at', 'createdAt', 'updatedAt'].includes(k))
                  .map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd class={c.masked.includes(k) ? 'masked' : ''}>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                    </div>
                  ))}
              </dl>
            </td>
            <td class="actions">
              {writable && (
                <>
                  <button onClick={() => setEditing(c)} aria-label={`Edit ${c.id}`}>
                    Edit
                  </button>
                  <button class="danger" onClick={() => setRemoving(c)} aria-label={`Delete ${c.id}`}>
                    Delete
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
        {connections.length === 0 && (
          <tr>
            <td colSpan={5}>No connections yet.</td>
          </tr>
        )}
      </Table>
      {editing && types.length > 0 && (
        <ConnectionForm
          types={types}
          existing={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {removing && <Confirm title="Delete the connection?" text={`Movies naming “${removing.id}” will fail until it is saved again.`} action="Delete" onConfirm={() => remove(removing)} onClose={() => setRemoving(null)} />}
    </section>
  );
}

/** A plain string for the union-typed `type` prop (Preact narrows it per literal). */
function inputType(secret: boolean, kind: string | undefined): 'text' {
  return (secret ? 'password' : kind === 'number' || kind === 'integer' ? 'number' : 'text') as 'text';
}

function ConnectionForm({ types, existing, onClose, onSaved }: { types: ConnectionType[]; existing: Connection | null; onClose: () => void; onSaved: () => void }) {
  const [type, setType] = useState(existing?.type ?? types[0].type);
  const [id, setId] = useState(existing?.id ?? '');
  const [name, setName] = useState(existing?.name ?? '');
  const [values, setValues] = useState<Record<string, string | boolean>>(() => {
    if (!existing) return {};
    const out: Record<string, string | boolean> = {};
    for (const [k, v] of Object.entries(existing)) if (!existing.masked.includes(k) && (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')) out[k] = typeof v === 'number' ? String(v) : v;
    return out;
  });
  const [error, setError] = useState<unknown>(null);
  const t = types.find((x) => x.type === type)!;
  const props = Object.entries(t.schema.properties ?? {});
  const required = new Set(t.schema.required ?? []);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    const fields: Record<string, unknown> = {};
    for (const [k, s] of props) {
      const v = values[k];
      if (v === undefined || v === '') continue;
      const kind = Array.isArray(s.type) ? s.type[0] : s.type;
      fields[k] = kind === 'number' || kind === 'integer' ? Number(v) : v;
    }
    try {
      if (existing) await api('PATCH', `/v2/connections/${encodeURIComponent(existing.id)}`, { ...(name ? { name } : {}), ...fields });
      else await api('POST', '/v2/connections', { id, type, ...(name ? { name } : {}), ...fields });
      onSaved();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="card">
      <h2>{existing ? `Edit ${existing.id}` : 'New connection'}</h2>
      <form onSubmit={submit}>
        {!existing && (
          <>
            <div class="field">
              <label for="conn-type">Type</label>
              <select id="conn-type" value={type} onChange={(e) => (setType(e.currentTarget.value), setValues({}))}>
                {types.map((x) => (
                  <option key={x.type} value={x.type}>
                    {x.title}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="conn-id">Id (movies name it)</label>
              <input id="conn-id" value={id} onInput={(e) => setId(e.currentTarget.value)} required pattern="[a-z0-9][a-z0-9-]*" />
            </div>
          </>
        )}
        <div class="field">
          <label for="conn-name">Name</label>
          <input id="conn-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        {props.map(([k, s]) => {
          const secret = t.sensitive.includes(k);
          const kind = Array.isArray(s.type) ? s.type[0] : s.type;
          const fieldId = `conn-field-${k}`;
          const saved = existing?.masked.includes(k);
          return (
            <div class="field" key={k}>
              <label for={fieldId}>
                {k}
                {required.has(k) && !saved ? ' (required)' : ''}
                {secret ? ' — secret' : ''}
                {t.where.includes(k) ? ' — decides where the secret is sent' : ''}
                {t.renderOverridable.includes(k) ? ' — movies may override' : ''}
              </label>
              {kind === 'boolean' ? (
                <input id={fieldId} type="checkbox" checked={values[k] === true} onChange={(e) => setValues({ ...values, [k]: e.currentTarget.checked })} />
              ) : s.enum ? (
                <select id={fieldId} value={String(values[k] ?? '')} onChange={(e) => setValues({ ...values, [k]: e.currentTarget.value })}>
                  <option value="">—</option>
                  {s.enum.map((v) => (
                    <option key={String(v)} value={String(v)}>
                      {String(v)}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={fieldId}
                  type={inputType(secret, kind)}
                  autoComplete={secret ? 'new-password' : 'off'}
                  placeholder={saved ? 'saved (type to replace)' : ''}
                  value={String(values[k] ?? '')}
                  required={required.has(k) && !saved}
                  onInput={(e) => setValues({ ...values, [k]: e.currentTarget.value })}
                />
              )}
            </div>
          );
        })}
        <ErrorBox error={error} />
        <FormButtons submit="Save" onCancel={onClose} />
      </form>
    </div>
  );
}
