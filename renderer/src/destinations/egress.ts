import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { isAddressAllowed } from '../assets/address-policy';
import { DeliveryError } from './delivery';

/**
 * Resolves a destination host once and refuses the addresses the asset policy refuses (private and
 * loopback unless REELAY_ALLOW_PRIVATE_URLS is set; link-local and metadata never): one policy for
 * every outbound connection. The caller connects to the returned
 * address, so a DNS answer that changes between the check and the connection (rebinding) cannot move
 * the upload, and the saved password, onto the internal network.
 */
export async function resolvePublicHost(host: string, allowPrivate: boolean): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(bare) ? [{ address: bare }] : await lookup(bare, { all: true }).catch(() => {
    throw new DeliveryError(`host ${host} does not resolve`);
  });
  if (addresses.length === 0) throw new DeliveryError(`host ${host} does not resolve`);
  const blocked = addresses.find((a) => !isAddressAllowed(a.address, allowPrivate));
  if (blocked) throw new DeliveryError(`host ${host} resolves to a non-public address (${blocked.address}); refused`, false);
  return addresses[0].address;
}
