/** The logging surface the renderer needs (pino's shape); a silent default keeps library use quiet. */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

const noop = () => undefined;
export const silentLogger: Logger = { info: noop, warn: noop, error: noop, debug: noop };
