import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A `POST /v1/staff` a fake gateway received: who sent it (the token's subject and org), and what. */
export interface StaffRegistration {
  readonly subject: string;
  readonly org: string;
  readonly body: { enrollmentId: string; role: string; department: string | null };
}

/**
 * A stand-in for an org's REST gateway as the network's tools meet it: `GET /healthz`, and
 * `POST /v1/staff` with the ledger's rule: an enrollment id is registered once, a second time is 409
 * ALREADY_EXISTS. Scripted `answers` are sent first, one per request. While `healthy` is false it
 * drops every connection, as a gateway that is not up. The token is read, not verified (the gateway's
 * own tests verify tokens).
 */
export class FakeGateway {
  readonly received: StaffRegistration[] = [];
  readonly onChain = new Set<string>();
  readonly answers: { status: number; code: string }[] = [];
  healthy = true;

  readonly #server: Server;
  #url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      this.#answer(req, res);
    });
  }

  /** Starts one on a free port of 127.0.0.1. */
  static async start(): Promise<FakeGateway> {
    const gateway = new FakeGateway();
    const server = gateway.#server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    gateway.#url = `http://127.0.0.1:${String(address.port)}`;
    return gateway;
  }

  /** Where it answers: `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.#url;
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, answer: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };
    // A gateway container still exiting and restarting answers nothing.
    if (!this.healthy) {
      req.socket.destroy();
      return;
    }
    if (req.method === 'GET' && req.url === '/healthz') {
      send(200, { status: 'ok' });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        sub: string;
        org: string;
      };
      const body = JSON.parse(Buffer.concat(chunks).toString()) as StaffRegistration['body'];
      this.received.push({ subject: claims.sub, org: claims.org, body });
      const scripted = this.answers.shift();
      if (scripted !== undefined) send(scripted.status, { code: scripted.code, detail: body.enrollmentId });
      else if (this.onChain.has(body.enrollmentId))
        send(409, { code: 'ALREADY_EXISTS', detail: body.enrollmentId });
      else {
        this.onChain.add(body.enrollmentId);
        send(201, { txId: 'tx', didDocument: {} });
      }
    });
  }

  /** Forgets what it received and registered, and what it was told to answer. */
  reset(): void {
    this.received.length = 0;
    this.onChain.clear();
    this.answers.length = 0;
    this.healthy = true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}
