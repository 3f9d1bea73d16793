/**
 * The movie editor: JSON with the bridge's validation (errors and warnings at their paths), a form
 * for its {{variables}}, and a frame preview scrubbed with a time slider; then Render or Save as template.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, apiBlob, can, type Me } from '../api';
import { go } from '../router';
import { ErrorBox } from '../ui';

interface Validation {
  valid: boolean;
  errors: { path: string; message: string; code: string }[];
  warnings: { path: string; message: string }[];
  duration: number | null;
  credits: number | null;
}

interface DeclaredVariable {
  name: string;
  default?: unknown;
  required: boolean;
  description: string;
}

const SAMPLE = {
  resolution: 'full-hd',
  scenes: [
    {
      duration: 3,
      'background-color': '#1d4ed8',
      elements: [{ type: 'text', text: '{{headline}}', settings: { 'font-size': 96, color: '#ffffff' } }],
    },
  ],
  variables: { headline: 'Hello from Reelay' },
};

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Waits until `value` has been still for `ms` (typing, dragging the slider). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export function EditorPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const templateId = params.get('template');
  // `render`: start from the movie an earlier render was made from (Renders → Edit a copy).
  const fromRender = params.get('render');
  const [text, setText] = useState(() => JSON.stringify(SAMPLE, null, 2));
  const [templateName, setTemplateName] = useState('');
  const [declared, setDeclared] = useState<DeclaredVariable[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [time, setTime] = useState(0);
  const [validation, setValidation] = useState<Validation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [frame, setFrame] = useState<{ url: string; time: number } | null>(null);
  const [frameError, setFrameError] = useState<unknown>(null);
  const [previewing, setPreviewing] = useState(false);
  const [message, setMessage] = useState('');
  const lastUrl = useRef<string | null>(null);

  useEffect(() => {
    if (!templateId) return;
    api<{ template: { name: string; movie: unknown; variables: DeclaredVariable[] } }>('GET', `/v2/templates/${encodeURIComponent(templateId)}`).then((r) => {
      setText(JSON.stringify(r.template.movie, null, 2));
      setTemplateName(r.template.name);
      setDeclared(r.template.variables);
      setValues(Object.fromEntries(r.template.variables.filter((v) => v.default !== undefined).map((v) => [v.name, String(v.default)])));
    }, setError);
  }, [templateId]);

  useEffect(() => {
    if (!fromRender || templateId) return;
    api<{ movie: unknown }>('GET', `/v2/movies/${encodeURIComponent(fromRender)}/movie`).then((r) => setText(JSON.stringify(r.movie, null, 2)), setError);
  }, [fromRender, templateId]);

  const parsed = useMemo(() => {
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: 'The movie must be a JSON object' };
      return { movie: v as Record<string, unknown> };
    } catch (err) {
      return { error: `Not JSON: ${(err as Error).message}` };
    }
  }, [text]);

  const names = useMemo(() => [...new Set([...declared.map((d) => d.name), ...placeholders(text)])], [declared, text]);
  // The movie as it would render: its own `variables` with the form's values over them.
  const effective = useMemo(() => {
    if (!parsed.movie) return null;
    const own = (parsed.movie.variables as Record<string, unknown> | undefined) ?? {};
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    const variables = { ...own, ...given };
    return Object.keys(variables).length ? { ...parsed.movie, variables } : parsed.movie;
  }, [parsed, values]);

  const settledMovie = useSettled(effective, 400);
  const settledTime = useSettled(time, 150);

  useEffect(() => {
    if (!settledMovie) return;
    api<Validation>('POST', '/v2/movies/validate', settledMovie).then(setValidation, setError);
  }, [settledMovie]);

  useEffect(() => {
    if (!settledMovie || !validation?.valid) return;
    let stale = false;
    // A newer time or movie replaces this request: abort it so the bridge stops drawing it.
    const abort = new AbortController();
    setPreviewing(true);
    apiBlob('/v2/movies/preview', { movie: settledMovie, time: settledTime }, abort.signal).then(
      ({ blob, headers }) => {
        if (stale) return;
        if (lastUrl.current) URL.revokeObjectURL(lastUrl.current);
        lastUrl.current = URL.createObjectURL(blob);
        setFrame({ url: lastUrl.current, time: Number(headers.get('x-frame-time') ?? settledTime) });
        setFrameError(null);
        setPreviewing(false);
      },
      (err) => {
        if (stale) return;
        setFrameError(err);
        setPreviewing(false);
      },
    );
    return () => {
      stale = true;
      abort.abort();
    };
  }, [settledMovie, settledTime, validation]);

  const duration = validation?.duration ?? 0;

  const renderNow = async () => {
    setError(null);
    try {
      const r = await api<{ project: string }>('POST', '/v2/movies', effective);
      setMessage(`Render ${r.project} queued.`);
      go('renders');
    } catch (err) {
      setError(err);
    }
  };

  const saveTemplate = async () => {
    setError(null);
    if (!parsed.movie) return;
    const name = templateName.trim() || 'Untitled template';
    const variables = names.map((n) => {
      const d = declared.find((x) => x.name === n);
      const v = values[n];
      return { name: n, required: d?.required ?? false, description: d?.description ?? '', ...(v !== undefined && v !== '' ? { default: v } : d?.default !== undefined ? { default: d.default } : {}) };
    });
    try {
      if (templateId) {
        await api('PUT', `/v2/templates/${encodeURIComponent(templateId)}`, { name, movie: parsed.movie, variables });
        setMessage('Template saved.');
      } else {
        const r = await api<{ template: { id: string } }>('POST', '/v2/templates', { name, movie: parsed.movie, variables });
        setMessage('Template created.');
        go('editor', { template: r.template.id });
      }
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="editor-title" class="editor">
      <h1 id="editor-title">{templateId ? `Template: ${templateName}` : 'Movie editor'}</h1>
      <div class="editor-grid">
        <div class="editor-left">
          <label for="movie-json">Movie JSON</label>
          <textarea id="movie-json" spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} rows={22} />
          {parsed.error && (
            <p class="error" role="alert">
              {parsed.error}
            </p>
          )}
          <div aria-live="polite" class="validation">
            {validation && validation.valid && (
              <p class="ok">
                Valid — {validation.duration ?? '?'} s, {validation.credits ?? '?'} credits
              </p>
            )}
            {validation && validation.errors.length > 0 && (
              <ul class="problems" aria-label="Errors">
                {validation.errors.map((e, i) => (
                  <li key={i} class="problem-error">
                    <code>{e.path || '(movie)'}</code> {e.message}
                  </li>
                ))}
              </ul>
            )}
            {validation && validation.warnings.length > 0 && (
              <ul class="problems" aria-label="Warnings">
                {validation.warnings.map((w, i) => (
                  <li key={i} class="problem-warning">
                    <code>{w.path}</code> {w.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <div class="editor-right">
          <figure class="preview">
            {frame ? <img src={frame.url} alt={`Frame at ${frame.time.toFixed(2)} s`} data-testid="preview" /> : <div class="preview-empty">No frame yet</div>}
            <figcaption>
              {previewing ? 'Drawing…' : frame ? `Frame at ${frame.time.toFixed(2)} s` : ''}
            </figcaption>
          </figure>
          <label for="time">Time: {time.toFixed(2)} s</label>
          <input id="time" type="range" min={0} max={Math.max(duration, 0.01)} step={0.01} value={time} onInput={(e) => setTime(Number(e.currentTarget.value))} />
          <ErrorBox error={frameError} />
          {names.length > 0 && (
            <fieldset>
              <legend>Variables</legend>
              {names.map((n) => (
                <div key={n} class="field">
                  <label for={`var-${n}`}>{n}</label>
                  <input id={`var-${n}`} value={values[n] ?? ''} placeholder={String((parsed.movie?.variables as Record<string, unknown> | undefined)?.[n] ?? '')} onInput={(e) => setValues({ ...values, [n]: e.currentTarget.value })} />
                </div>
              ))}
            </fieldset>
          )}
          <div class="field">
            <label for="template-name">Template name</label>
            <input id="template-name" value={templateName} onInput={(e) => setTemplateName(e.currentTarget.value)} />
          </div>
          <div class="row">
            {can(me, 'movies:create') && (
              <button class="primary" onClick={renderNow} disabled={!validation?.valid}>
                Render
              </button>
            )}
            {can(me, 'templates:write') && <button onClick={saveTemplate}>{templateId ? 'Save template' : 'Save as template'}</button>}
          </div>
          {message && <p role="status">{message}</p>}
          <ErrorBox error={error} />
        </div>
      </div>
    </section>
  );
}
