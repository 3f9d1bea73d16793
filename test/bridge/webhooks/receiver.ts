/**
 * A real webhook receiver on loopback for the webhook tests: records every request with its raw body,
 * verifies Standard Webhooks signatures with the `standardwebhooks` package (as a customer would), and
 * answers what the test tells it to. It can go down (port closed) and come back on the same port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Responder = (request: ReceivedRequest) => { status: number; headers?: Record<string, string> };

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  respond: Responder = () => ({ status: 204 });
  private server: http.Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        this.requests.push(request);
        const answer = this.respond(request);
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Closes the port (connections are refused) until `start(this.port)` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests whose signature verifies with `secret` (standardwebhooks also checks the timestamp). */
  verified(secret: string, requests = this.requests): ReceivedRequest[] {
    return requests.filter((r) => verifies(secret, r));
  }

  async waitFor(predicate: (requests: ReceivedRequest[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.requests)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${this.requests.length} requests)`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export function verifies(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

export function uniqueIds(requests: ReceivedRequest[]): Set<string> {
  return new Set(requests.map((r) => String(r.headers['webhook-id'])));
}
