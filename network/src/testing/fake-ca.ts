import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FabricInstall } from '../binaries';

/** One `fabric-ca-client` call: its arguments, and the environment its secrets go in (FABRIC_CA_CLIENT_URL, FABRIC_CA_CLIENT_ID_SECRET). */
export interface CaCall {
  readonly args: string[];
  readonly env: Record<string, string>;
}

/** An identity a fake CA registered: its type, affiliation, attributes and enrollment secret. */
export interface RegisteredIdentity {
  readonly type: string;
  readonly affiliation: string;
  readonly attrs: string;
  readonly secret: string;
}

/** Separates the arguments of a logged call, and the call from its environment (ASCII US and RS). */
const US = '\x1f';
const RS = '\x1e';

/**
 * The stand-in `fabric-ca-client`, a POSIX shell script (dozens of calls per deployment: a Node
 * script's start-up would cost seconds), with Fabric CA's rules as the network's code meets them:
 * `register` records an identity once per CA (a second time: "already registered") with the secret
 * from FABRIC_CA_CLIENT_ID_SECRET and prints it back as the real client does; `enroll` takes the id and
 * secret from FABRIC_CA_CLIENT_URL, answers "Authentication failure" to an identity the CA did not
 * register with that secret (the bootstrap identity, `registrar`, is the CA's own) and writes an MSP
 * folder as the real client does (folder 0700, key 0600; a certificate naming the CA and the id);
 * `affiliation add` records an affiliation once. A refused call exits 1; a refused enrollment prints
 * its URL, secret included, as the real client does with a URL it cannot parse: the network's code
 * must not pass that on. The state is files under `state`: `<caname>/identities/<id>` (type,
 * affiliation, attributes, secret, a line each), `<caname>/affiliations/<name>`, `refuse/<command>
 * <id>`; each call is a line of `log`.
 */
const script = (state: string, log: string): string => `#!/bin/sh
state='${state}'
log='${log}'
{
  sep=''
  for a in "$@"; do printf '%s%s' "$sep" "$a"; sep='${US}'; done
  printf '${RS}%s${US}%s\\n' "\${FABRIC_CA_CLIENT_URL-}" "\${FABRIC_CA_CLIENT_ID_SECRET-}"
} >> "$log"
cmd="$1"
flag() {
  want="$1"; shift; take=''
  for a in "$@"; do
    if [ -n "$take" ]; then printf '%s' "$a"; return; fi
    [ "$a" = "$want" ] && take=1
  done
}
fail() { printf 'Error: %s\\n' "$1" >&2; exit 1; }
ca="$state/$(flag --caname "$@")"
mkdir -p "$ca/identities" "$ca/affiliations"
if [ "$cmd" = enroll ]; then
  creds="\${FABRIC_CA_CLIENT_URL#https://}"; creds="\${creds%%@*}"
  id="\${creds%%:*}"; secret="\${creds#*:}"
else
  id="$(flag --id.name "$@")"
fi
if [ -e "$state/refuse/$cmd $id" ]; then
  if [ "$cmd" = enroll ]; then fail "parse \\"$FABRIC_CA_CLIENT_URL\\": the CA refused this call"; fi
  fail "Response from server: Error Code: 0 - $cmd of $id refused"
fi
case "$cmd" in
  enroll)
    if [ "$id" = registrar ] && [ ! -e "$ca/identities/$id" ]; then
      printf 'client\\n\\n\\n%s\\n' "$secret" > "$ca/identities/$id"
    fi
    [ -e "$ca/identities/$id" ] && [ "$(sed -n 4p "$ca/identities/$id")" = "$secret" ] ||
      fail 'Response from server: Error Code: 20 - Authentication failure'
    msp="$(flag -M "$@")"; [ -n "$msp" ] || msp="$(flag -H "$@")/msp"
    mkdir -p "$msp" && chmod 700 "$msp"
    mkdir -p "$msp/signcerts" "$msp/keystore" "$msp/cacerts"
    printf '%s\\n' '-----BEGIN CERTIFICATE-----' "\${ca##*/} $id" '-----END CERTIFICATE-----' > "$msp/signcerts/cert.pem"
    (umask 077; printf '%s\\n' '-----BEGIN PRIVATE KEY-----' "key of $id" '-----END PRIVATE KEY-----' > "$msp/keystore/\${id}_sk")
    printf 'ca\\n' > "$msp/cacerts/\${ca##*/}.pem"
    ;;
  register)
    [ -e "$ca/identities/$id" ] && fail "Response from server: Error Code: 74 - Identity '$id' is already registered"
    printf '%s\\n%s\\n%s\\n%s\\n' "$(flag --id.type "$@")" "$(flag --id.affiliation "$@")" "$(flag --id.attrs "$@")" \\
      "\${FABRIC_CA_CLIENT_ID_SECRET-generated}" > "$ca/identities/$id"
    printf 'Password: %s\\n' "\${FABRIC_CA_CLIENT_ID_SECRET-generated}"
    ;;
  affiliation)
    [ -e "$ca/affiliations/$3" ] && fail "Response from server: Error Code: 0 - Affiliation '$3' already exists"
    : > "$ca/affiliations/$3"
    ;;
esac
exit 0
`;

/**
 * Fabric CAs for unit tests: a `FabricInstall` whose `fabric-ca-client` is the stand-in above, its
 * calls and the CAs' registrations to look at, and calls to refuse (a CA down, a person it rejects).
 */
export class FakeCa {
  readonly install: FabricInstall;
  readonly #state: string;
  readonly #log: string;

  constructor(dir: string) {
    const bin = join(dir, 'bin');
    this.#state = join(dir, 'fake-ca');
    this.#log = join(dir, 'fake-ca-calls.log');
    for (const d of [bin, join(this.#state, 'refuse')]) mkdirSync(d, { recursive: true });
    writeFileSync(this.#log, '');
    const client = join(bin, 'fabric-ca-client');
    writeFileSync(client, script(this.#state, this.#log));
    chmodSync(client, 0o755);
    this.install = { binDir: bin, caBinDir: bin, sampleConfigDir: bin, bin: (tool) => join(bin, tool) };
  }

  /** Every call so far, in order. */
  calls(): CaCall[] {
    return readFileSync(this.#log, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const [args = '', env = ''] = line.split(RS);
        const [url = '', idSecret = ''] = env.split(US);
        return {
          args: args.split(US),
          env: {
            ...(url === '' ? {} : { FABRIC_CA_CLIENT_URL: url }),
            ...(idSecret === '' ? {} : { FABRIC_CA_CLIENT_ID_SECRET: idSecret }),
          },
        };
      });
  }

  /** The identities the CA named `caName` registered, by enrollment id. */
  registered(caName: string): Record<string, RegisteredIdentity> {
    const dir = join(this.#state, caName, 'identities');
    if (!existsSync(dir)) return {};
    return Object.fromEntries(
      readdirSync(dir).map((id) => {
        const [type = '', affiliation = '', attrs = '', secret = ''] = readFileSync(
          join(dir, id),
          'utf8',
        ).split('\n');
        return [id, { type, affiliation, attrs, secret }];
      }),
    );
  }

  /** From now on the CAs refuse `command` (`register` or `enroll`) for `enrollmentId`. */
  refuse(command: 'register' | 'enroll', enrollmentId: string): void {
    writeFileSync(join(this.#state, 'refuse', `${command} ${enrollmentId}`), '');
  }

  /** The CAs refuse nothing any more. */
  heal(): void {
    rmSync(join(this.#state, 'refuse'), { recursive: true, force: true });
    mkdirSync(join(this.#state, 'refuse'));
  }
}
