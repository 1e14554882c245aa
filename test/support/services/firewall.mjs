// @ts-check
/** The content-firewall test servers (test/support/servers/firewall.mjs): `firewall{Vault,Mailer,Poison,Forms}Url`. */
import { startFirewallServers } from '../servers/firewall.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const servers = await startFirewallServers();
  return {
    env: {
      firewallVaultUrl: servers.urls.vault,
      firewallMailerUrl: servers.urls.mailer,
      firewallPoisonUrl: servers.urls.poison,
      firewallFormsUrl: servers.urls.forms,
    },
    close: servers.close,
  };
}
