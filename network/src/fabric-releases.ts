import { FABRIC_CA_VERSION, FABRIC_VERSION } from './paths';

/** The two things MedLedger installs: Fabric (peer, orderer, tools, sample config) and Fabric CA. */
export type ComponentName = 'fabric' | 'fabric-ca';

/** An OS/architecture pair in the release archives' spelling (`linux-amd64`, `darwin-arm64`). */
export type Platform = `${'linux' | 'darwin'}-${'amd64' | 'arm64'}`;

/**
 * SHA-256 of each official release archive, by component and platform. An archive without an entry
 * here is never used: the installer says so and moves on to the next source.
 *
 * Fabric 3.1.5: written down from the Homebrew formula
 * https://github.com/mvrpl/unix-apps/blob/6f8e6cd8b6bfa4097d1557ef24898539e9c33556/Formula/hyperledger-fabric.rb
 * (a third-party tap that pins the four archives of the v3.1.5 GitHub release by URL). The
 * linux-amd64 value is also the one a second, unrelated project pins for the same URL.
 *
 * Fabric CA 1.5.21: no published digest of these archives was found (not the release page's own list,
 * nor a formula, package or script pinning them), so none is pinned, the archive step refuses them and
 * Fabric CA comes from the Go module proxy. Adding the values from
 * https://github.com/hyperledger/fabric-ca/releases/tag/v1.5.21 here turns the archive step on for it.
 */
export const PINNED_SHA256: Readonly<Record<ComponentName, Readonly<Partial<Record<Platform, string>>>>> = {
  fabric: {
    'linux-amd64': 'b9c31fd490991e76f8acb1835dee09fc19fee5428cb13e190ee6e0bdd2c37858',
    'linux-arm64': '4a42cad740a7e0373eda6bf1e27c86e9b06132f9bb751daf7f0f7dc1d1bbfed9',
    'darwin-amd64': '866b64b036ba9eff51ba2131bbe34b4b9057192f5766859ede22ea1cdd564158',
    'darwin-arm64': 'd67a5c3366746a984f8ee9ae0ebf5c8b357c9d33dd589fa0b7668d739472cef0',
  },
  'fabric-ca': {},
};

/** Where each component's official archives are published (GitHub releases of the two projects). */
export const RELEASE_BASE_URL: Readonly<Record<ComponentName, string>> = {
  fabric: `https://github.com/hyperledger/fabric/releases/download/v${FABRIC_VERSION}`,
  'fabric-ca': `https://github.com/hyperledger/fabric-ca/releases/download/v${FABRIC_CA_VERSION}`,
};

/** The platform of this machine in the archives' spelling, or undefined when no archive exists for it. */
export function currentPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: NodeJS.Architecture = process.arch,
): Platform | undefined {
  const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? `${os}-${cpu}` : undefined;
}

/** The archive's file name, e.g. `hyperledger-fabric-linux-amd64-3.1.5.tar.gz`. */
export function archiveFileName(component: ComponentName, platform: string): string {
  return component === 'fabric'
    ? `hyperledger-fabric-${platform}-${FABRIC_VERSION}.tar.gz`
    : `hyperledger-fabric-ca-${platform}-${FABRIC_CA_VERSION}.tar.gz`;
}

/**
 * The archive's URL: under `mirror` when one is set (a flat folder holding both projects' archives,
 * for sites that cannot reach GitHub), else on the project's GitHub release.
 */
export function archiveUrl(component: ComponentName, platform: string, mirror?: string): string {
  const base = mirror !== undefined && mirror !== '' ? mirror : RELEASE_BASE_URL[component];
  return `${base.replace(/\/+$/, '')}/${archiveFileName(component, platform)}`;
}
