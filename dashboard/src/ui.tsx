/** Small shared pieces: error lists with JSON paths, a modal dialog, dates and sizes. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <div class="error" role="alert">
      <strong>{e.message}</strong>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              <code>{p.path || '(whole body)'}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A native modal <dialog>: focus moves in, Escape closes, the page behind is inert. */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    const cancel = (ev: Event) => {
      ev.preventDefault();
      onClose();
    };
    d.addEventListener('cancel', cancel);
    return () => d.removeEventListener('cancel', cancel);
  }, [onClose]);
  return (
    <dialog ref={ref} aria-labelledby="modal-title">
      <h2 id="modal-title">{title}</h2>
      {children}
    </dialog>
  );
}

export function Confirm({ title, text, action, onConfirm, onClose }: { title: string; text: string; action: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal title={title} onClose={onClose}>
      <p>{text}</p>
      <div class="row">
        <button class="danger" onClick={onConfirm}>
          {action}
        </button>
        <button onClick={onClose}>Cancel</button>
      </div>
    </Modal>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function Status({ value }: { value: string }) {
  return <span class={`status status-${value}`}>{value}</span>;
}

/**
 * A page's list reload counter and its actions: `run` clears the error, awaits the action, then
 * reloads the lists (`tick` is a dependency of their effects); a failure is kept for <ErrorBox>.
 */
export function useActions() {
  const [tick, setTick] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const reload = () => setTick((n) => n + 1);
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      reload();
    } catch (err) {
      setError(err);
    }
  };
  return { tick, reload, error, setError, run };
}

/** A form's submit button and its Cancel. */
export function FormButtons({ submit, onCancel }: { submit: string; onCancel: () => void }) {
  return (
    <div class="row">
      <button class="primary" type="submit">
        {submit}
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

/** The only time a secret (an API key, a signing secret) is on screen: a warning and a copy button. */
export function ShownOnce({ title, secret, warning, testId, onClose }: { title: string; secret: string; warning: string; testId: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = () => navigator.clipboard.writeText(secret).then(() => setCopied(true), () => setCopied(false));
  return (
    <Modal title={title} onClose={onClose}>
      <p class="warning" role="alert">
        {warning}
      </p>
      <code class="secret" data-testid={testId}>
        {secret}
      </code>
      <div class="row">
        <button class="primary" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button onClick={onClose}>I have stored it</button>
      </div>
    </Modal>
  );
}

/** While something shown is still changing (a render, a delivery), reloads every `ms`. */
export function useRefreshWhile(live: boolean, tick: number, reload: () => void, ms = 1500): void {
  useEffect(() => {
    if (!live) return;
    const t = setTimeout(reload, ms);
    return () => clearTimeout(t);
  }, [live, tick]); // not on reload: a new function each render
}

/** A table of rows under column headers (scrolls sideways on narrow screens); `caption` for screen readers. */
export function Table({ headers, caption, children }: { headers: string[]; caption?: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        {caption && <caption class="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {headers.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
