/**
 * A plain TCP relay, run as its own process (inside a network namespace when started with
 * `ip netns exec`): `node tcp-relay.js <listenHost>:<port>=<targetHost>:<port> ...`. Bytes pass through
 * untouched, so TLS stays end to end. Prints `ready` once every listener is bound, and exits when its
 * standard input closes, so a relay never outlives the test that started it.
 */
import { connect, createServer, type Socket } from 'node:net';

interface Route {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
}

function parseEndpoint(text: string): [string, number] {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`bad endpoint ${text}`);
  return [text.slice(0, at), port];
}

export function parseRoute(text: string): Route {
  const [listen, target] = text.split('=');
  if (listen === undefined || target === undefined) throw new Error(`bad route ${text}`);
  const [listenHost, listenPort] = parseEndpoint(listen);
  const [targetHost, targetPort] = parseEndpoint(target);
  return { listenHost, listenPort, targetHost, targetPort };
}

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  // A failure on either side ends both, as a broken path would for the endpoints.
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

async function listen(route: Route): Promise<void> {
  const server = createServer((inbound) => {
    pipeBoth(inbound, connect(route.targetPort, route.targetHost));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(route.listenPort, route.listenHost, resolve);
  });
}

async function main(): Promise<void> {
  const routes = process.argv.slice(2).map(parseRoute);
  await Promise.all(routes.map(listen));
  process.stdout.write('ready\n');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}
