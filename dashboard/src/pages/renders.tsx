/**
 * Renders: newest first, status filter, search (on the server, so it pages), live progress, the
 * player and the details; cancel, delete, render again.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, can, type Me } from '../api';
import { go } from '../router';
import { bytes, Confirm, ErrorBox, Status, Table, useRefreshWhile, when } from '../ui';

interface Movie {
  id: string;
  project: string;
  status: 'pending' | 'running' | 'done' | 'error';
  message: string;
  code: string | null;
  url: string | null;
  poster: string | null;
  created_at: string;
  duration: number | null;
  size: number | null;
  width: number | null;
  height: number | null;
  rendering_time: number | null;
  progress: number;
  credits: number;
  template: string | null;
  'client-data': Record<string, unknown>;
  exports: { type: string; id?: string; status: string; message?: string }[];
}

const STATUSES = ['', 'pending', 'running', 'done', 'error'];

export function RendersPage({ me }: { me: Me }) {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  // What the list was asked for: the search box once typing pauses.
  const [query, setQuery] = useState('');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [movies, setMovies] = useState<Movie[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const token = pages[pages.length - 1];

  useEffect(() => {
    const q = new URLSearchParams({ limit: '20' });
    if (status) q.set('status', status);
    if (query) q.set('search', query);
    if (token) q.set('next_token', token);
    api<{ movies: Movie[]; next_token: string | null }>('GET', `/v2/movies?${q}`).then(
      (r) => {
        setMovies(r.movies);
        setNext(r.next_token);
        setError(null);
      },
      setError,
    );
  }, [status, query, token, tick]);

  useEffect(() => {
    const words = search.trim();
    if (words === query) return;
    const timer = setTimeout(() => {
      setQuery(words);
      setPages([null]);
    }, 300);
    return () => clearTimeout(timer);
  }, [search, query]);

  // Live progress: poll while something on the page is still being made.
  const live = movies.some((m) => m.status === 'pending' || m.status === 'running');
  useRefreshWhile(live, tick, () => setTick((n) => n + 1));

  const shown = movies;
  const selected = movies.find((m) => m.project === open);

  return (
    <section aria-labelledby="renders-title">
      <h1 id="renders-title">Renders</h1>
      <div class="row filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => (setStatus(e.currentTarget.value), setPages([null]))}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{' '}
          <input type="search" placeholder="project or client data" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorBox error={error} />
      <div class="split">
        <div>
          <Table caption="Renders, newest first" headers={['Project', 'Status', 'Created', 'Length']}>
            {shown.map((m) => (
              <tr key={m.project} class={m.project === open ? 'selected' : ''}>
                <td>
                  <button class="link" onClick={() => setOpen(m.project)} aria-label={`Open render ${m.project}`}>
                    {m.project}
                  </button>
                </td>
                <td>
                  <Status value={m.status} />
                  {(m.status === 'running' || m.status === 'pending') && <progress max={100} value={m.progress} aria-label={`Progress of ${m.project}`} />}
                </td>
                <td>{when(m.created_at)}</td>
                <td>{m.duration === null ? '—' : `${m.duration.toFixed(1)} s`}</td>
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={4}>
                  No renders{status ? ` with status ${status}` : ''}
                  {query ? ` matching “${query}”` : ''}.
                </td>
              </tr>
            )}
          </Table>
          <div class="row">
            <button disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
              Newer
            </button>
            <button disabled={!next} onClick={() => next && setPages([...pages, next])}>
              Older
            </button>
          </div>
        </div>
        {selected && (
          <RenderDetail
            me={me}
            movie={selected}
            onChanged={() => setTick((n) => n + 1)}
            onRenderedAgain={(project) => {
              // The new render is the newest: show the first page, without filters that could hide it.
              setStatus('');
              setSearch('');
              setQuery('');
              setPages([null]);
              setTick((n) => n + 1);
              setOpen(project);
            }}
          />
        )}
      </div>
    </section>
  );
}

function RenderDetail({ me, movie, onChanged, onRenderedAgain }: { me: Me; movie: Movie; onChanged: () => void; onRenderedAgain: (project: string) => void }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [videoDuration, setVideoDuration] = useState<number | null>(null);
  const finished = movie.status === 'done' || movie.status === 'error';
  const remove = async () => {
    setConfirm(false);
    try {
      await api('DELETE', `/v2/movies/${encodeURIComponent(movie.project)}`);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  // The movie as the render stored it (variables resolved, secrets left out), sent as a new render.
  const again = async () => {
    setBusy(true);
    try {
      const stored = await api<{ movie: Record<string, unknown> }>('GET', `/v2/movies/${encodeURIComponent(movie.project)}/movie`);
      const created = await api<{ project: string }>('POST', '/v2/movies', stored.movie);
      setError(null);
      onRenderedAgain(created.project);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="card detail" aria-label={`Render ${movie.project}`}>
      <h2>{movie.project}</h2>
      {movie.status === 'done' && movie.url && (
        <video
          controls
          preload="metadata"
          src={movie.url}
          poster={movie.poster ?? undefined}
          data-testid="player"
          data-duration={videoDuration ?? ''}
          onLoadedMetadata={(e) => setVideoDuration(e.currentTarget.duration)}
        />
      )}
      <dl>
        <dt>Status</dt>
        <dd>
          <Status value={movie.status} /> {movie.message}
        </dd>
        {movie.code && (
          <>
            <dt>Error code</dt>
            <dd>
              <code>{movie.code}</code>
            </dd>
          </>
        )}
        <dt>Duration</dt>
        <dd>{movie.duration === null ? '—' : `${movie.duration} s`}</dd>
        <dt>Size</dt>
        <dd>
          {bytes(movie.size)} {movie.width ? `(${movie.width}×${movie.height})` : ''}
        </dd>
        <dt>Credits</dt>
        <dd>{movie.credits}</dd>
        <dt>Rendering time</dt>
        <dd>{movie.rendering_time === null ? "—" : `${movie.rendering_time.toFixed(1)} s`}</dd>
        <dt>Template</dt>
        <dd>{movie.template ?? '—'}</dd>
        <dt>Client data</dt>
        <dd>
          <code>{JSON.stringify(movie['client-data'])}</code>
        </dd>
      </dl>
      {movie.exports.length > 0 && (
        <>
          <h3>Exports</h3>
          <ul>
            {movie.exports.map((x, i) => (
              <li key={i}>
                {x.type}
                {x.id ? ` (${x.id})` : ''}: <Status value={x.status} /> {x.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="row">
        {can(me, 'movies:delete') && <button onClick={() => setConfirm(true)}>{finished ? 'Delete files' : 'Cancel render'}</button>}
        {can(me, 'movies:create') && (
          <>
            <button onClick={again} disabled={busy}>
              Render again
            </button>
            <button onClick={() => go('editor', { render: movie.project })}>Edit a copy</button>
          </>
        )}
        {movie.template && can(me, 'movies:create') && <button onClick={() => go('editor', { template: movie.template! })}>Render again from its template</button>}
      </div>
      <ErrorBox error={error} />
      {confirm && (
        <Confirm
          title={finished ? 'Delete the files?' : 'Cancel the render?'}
          text={finished ? `The video and poster of ${movie.project} will be removed.` : `${movie.project} will be stopped and its credits refunded.`}
          action={finished ? 'Delete' : 'Cancel render'}
          onConfirm={remove}
          onClose={() => setConfirm(false)}
        />
      )}
    </article>
  );
}
