/** Templates: list, open in the editor, render from a variables form, a batch from pasted CSV, delete. */
import { useEffect, useState } from 'preact/hooks';
import { api, can, type Me } from '../api';
import { go } from '../router';
import { Confirm, ErrorBox, Table, useActions, when } from '../ui';

interface Template {
  id: string;
  name: string;
  description: string;
  variables: { name: string; default?: unknown; required: boolean; description: string }[];
  updated_at: string;
}

export function TemplatesPage({ me }: { me: Me }) {
  const [templates, setTemplates] = useState<Template[]>([]);
  const { tick, error, setError, run } = useActions();
  const [open, setOpen] = useState<Template | null>(null);
  const [removing, setRemoving] = useState<Template | null>(null);

  useEffect(() => {
    api<{ templates: Template[] }>('GET', '/v2/templates?limit=100').then((r) => setTemplates(r.templates), setError);
  }, [tick]);

  const remove = (t: Template) => {
    setRemoving(null);
    if (open?.id === t.id) setOpen(null);
    return run(() => api('DELETE', `/v2/templates/${encodeURIComponent(t.id)}`));
  };

  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">Templates</h1>
      {can(me, 'templates:write') && (
        <button class="primary" onClick={() => go('editor')}>
          New template
        </button>
      )}
      <ErrorBox error={error} />
      <div class="split">
        <Table headers={['Name', 'Variables', 'Updated', 'Actions']}>
          {templates.map((t) => (
            <tr key={t.id}>
              <td class="template-name">{t.name}</td>
              <td>{t.variables.map((v) => v.name).join(', ') || '—'}</td>
              <td>{when(t.updated_at)}</td>
              <td class="actions">
                <button onClick={() => setOpen(t)} aria-label={`Render ${t.name}`}>
                  Render
                </button>
                <button onClick={() => go('editor', { template: t.id })} aria-label={`Edit ${t.name}`}>
                  Edit
                </button>
                {can(me, 'templates:write') && (
                  <button onClick={() => setRemoving(t)} aria-label={`Delete ${t.name}`}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
          {templates.length === 0 && (
            <tr>
              <td colSpan={4}>No templates yet.</td>
            </tr>
          )}
        </Table>
        {open && <RenderTemplate me={me} template={open} />}
      </div>
      {removing && <Confirm title="Delete the template?" text={`“${removing.name}” will be deleted.`} action="Delete" onConfirm={() => remove(removing)} onClose={() => setRemoving(null)} />}
    </section>
  );
}

function RenderTemplate({ me, template }: { me: Me; template: Template }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(template.variables.map((v) => [v.name, v.default === undefined ? '' : String(v.default)])));
  const [csv, setCsv] = useState(() => template.variables.map((v) => v.name).join(',') + '\n');
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');

  const render = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    try {
      const variables = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      const r = await api<{ project: string }>('POST', '/v2/movies', { template: template.id, variables });
      setMessage(`Render ${r.project} queued.`);
    } catch (err) {
      setError(err);
    }
  };
  const batch = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    try {
      const r = await api<{ batch: string; count: number }>('POST', `/v2/movies/batch?template=${encodeURIComponent(template.id)}`, csv);
      setMessage(`Batch ${r.batch} queued: ${r.count} movies.`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <article class="card detail" aria-label={`Render ${template.name}`}>
      <h2>{template.name}</h2>
      {template.description && <p>{template.description}</p>}
      {can(me, 'movies:create') && (
        <form onSubmit={render}>
          {template.variables.map((v) => (
            <div class="field" key={v.name}>
              <label for={`tv-${v.name}`}>
                {v.name}
                {v.required ? ' (required)' : ''}
              </label>
              <input id={`tv-${v.name}`} value={values[v.name]} required={v.required} onInput={(e) => setValues({ ...values, [v.name]: e.currentTarget.value })} />
              {v.description && <small>{v.description}</small>}
            </div>
          ))}
          <button class="primary" type="submit">
            Render
          </button>
        </form>
      )}
      {can(me, 'movies:batch') && (
        <form onSubmit={batch}>
          <label for="csv">Batch: paste CSV (a header row naming the variables, one row per movie)</label>
          <textarea id="csv" rows={6} value={csv} onInput={(e) => setCsv(e.currentTarget.value)} />
          <button type="submit">Render batch</button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
      <ErrorBox error={error} />
    </article>
  );
}
