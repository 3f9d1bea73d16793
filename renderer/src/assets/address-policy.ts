/**
 * Which resolved addresses an asset download may connect to. Only public unicast addresses pass;
 * loopback and private ranges pass too when the operator sets REELAY_ALLOW_PRIVATE_URLS=true (tests,
 * single-machine setups). Link-local (cloud metadata 169.254.169.254 lives there) never passes.
 * IPv4-mapped / NAT64 / 6to4 IPv6 forms are judged by the IPv4 address they carry.
 */
import net from 'node:net';

const ALWAYS_BLOCKED = new net.BlockList();
const PRIVATE = new net.BlockList();

for (const [a, p] of [
  ['0.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) ALWAYS_BLOCKED.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 128], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) ALWAYS_BLOCKED.addSubnet(a, p, 'ipv6');
for (const [a, p] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) PRIVATE.addSubnet(a, p, 'ipv4');
PRIVATE.addSubnet('::1', 128, 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** Expands an IPv6 address into its eight 16-bit groups. */
function groups(v6: string): number[] {
  let s = v6.toLowerCase();
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4tail) {
    const o = v4tail[1].split('.').map(Number);
    s = s.slice(0, -v4tail[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? new Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 address embeds (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(v6: string): string | undefined {
  const g = groups(v6);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return g[5] === 0 && g[6] === 0 ? undefined : v4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return undefined;
}

export function isAddressAllowed(address: string, allowPrivate: boolean): boolean {
  let ip = address.replace(/^\[|\]$/g, '');
  let family = net.isIP(ip);
  if (family === 0) return false;
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4) {
      ip = v4;
      family = 4;
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ALWAYS_BLOCKED.check(ip, type)) return false;
  if (PRIVATE.check(ip, type)) return allowPrivate;
  if (type === 'ipv4' && ip === '255.255.255.255') return false;
  return true;
}
