/**
 * The servers the person added in `<tg-connections>` (kept per tenant in localStorage, see
 * saved-servers.ts) and the server URLs the person consented to although the policy's allow-list
 * does not name them (kept with a saved server; for the session otherwise). It turns them into
 * declarations that follow the host's: `declarations(declared)`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ServerDeclaration } from '../../runtime/server-spec.js';
import { loadSavedServers, storeSavedServers, type SavedServer } from '../connections/saved-servers.js';

export interface SavedServersControllerOptions {
  tenant: () => string | undefined;
  /** The saved list or a consent changed: the declarations are different now. */
  changed: () => void;
}

export class SavedServersController implements ReactiveController {
  readonly #options: SavedServersControllerOptions;
  #saved: SavedServer[] = [];
  readonly #consented = new Set<string>();

  constructor(host: ReactiveControllerHost, options: SavedServersControllerOptions) {
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.#saved = loadSavedServers(this.#options.tenant());
    for (const server of this.#saved) if (server.consented) this.#consented.add(server.url);
  }

  /** The host's servers (with the person's consent where given), then the person's. */
  declarations(declared: readonly ServerDeclaration[]): ServerDeclaration[] {
    const consented = (d: ServerDeclaration): ServerDeclaration => (this.#consented.has(d.spec.url) ? { ...d, consented: true } : d);
    const saved = this.#saved.map(({ consented: _c, ...spec }): ServerDeclaration => ({ spec, origin: 'person' }));
    return [...declared, ...saved].map(consented);
  }

  add(server: SavedServer): void {
    if (server.consented) this.#consented.add(server.url);
    this.#store([...this.#saved, server]);
  }

  /** Removes the person's server with this URL and transport (a host's server cannot be removed). */
  remove(spec: Pick<SavedServer, 'url' | 'transport' | 'msgpack'>): void {
    const index = this.#saved.findIndex((s) => sameServer(s, spec));
    if (index >= 0) this.#store(this.#saved.filter((_, i) => i !== index));
  }

  /** The person agrees to use this URL although the allow-list does not name it. */
  consent(url: string): void {
    this.#consented.add(url);
    const saved = this.#saved.some((s) => s.url === url && !s.consented);
    if (saved) this.#store(this.#saved.map((s) => (s.url === url ? { ...s, consented: true } : s)));
    else this.#options.changed();
  }

  #store(next: SavedServer[]): void {
    this.#saved = next;
    storeSavedServers(this.#options.tenant(), next);
    this.#options.changed();
  }
}

const sameServer = (a: Pick<SavedServer, 'url' | 'transport' | 'msgpack'>, b: Pick<SavedServer, 'url' | 'transport' | 'msgpack'>) =>
  a.url === b.url && (a.transport ?? 'auto') === (b.transport ?? 'auto') && (a.msgpack === true) === (b.msgpack === true);
