/**
 * A `ServerRegistry` for the DOM-free runtime and panel tests: a real gate over an in-memory audit
 * sink (trusting every server), and servers that open as `FakeConnection`s.
 */
import { ServerRegistry, type ServerRegistryOptions } from '../../src/runtime/servers.js';
import { fakeOpener } from './fake-connection.js';
import { TRUST_ALL, memoryGate } from './memory-audit.js';

/** The registry, its gate and audit, and the connections it opened, in order. The caller closes the registry. */
export async function fakeRegistry(options: Omit<ServerRegistryOptions, 'gate' | 'open'> = {}) {
  const { gate, audit } = await memoryGate({ policy: TRUST_ALL });
  const { open, opened } = fakeOpener();
  const registry = new ServerRegistry({ ...options, gate, open });
  return { registry, gate, audit, opened };
}
