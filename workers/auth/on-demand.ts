/**
 * The authorizing fetch of an HTTP connection configured without `oauth`: it has no tokens to send
 * until a server asks for them, so requests go out as they are and the Authorizer (oauth4webapi,
 * discovery, registration, DPoP) is not loaded. The first answer that asks for authorization
 * (401, or 403 `insufficient_scope`) loads it; that request is sent again through it, and so is
 * every later one. A refused request was not processed, so sending it again is safe (the bodies
 * are strings).
 */
import type { Authorizer } from './authorizer.js';

/** What a connection uses of its authorization: the fetch, the goodbye switch, sign-out. */
export type ConnectionAuth = Pick<Authorizer, 'fetch' | 'stop' | 'signOut'>;

function asksForAuthorization(response: Response): boolean {
  if (response.status === 401) return true;
  return response.status === 403 && /insufficient_scope/i.test(response.headers.get('www-authenticate') ?? '');
}

export class OnDemandAuthorizer implements ConnectionAuth {
  readonly #create: () => Promise<Authorizer>;
  readonly #base: typeof fetch;
  #authorizer: Promise<Authorizer> | undefined;
  #stopped = false;

  constructor(create: () => Promise<Authorizer>, base: typeof fetch = (input, init) => fetch(input, init)) {
    this.#create = create;
    this.#base = base;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    if (this.#authorizer) return (await this.#authorizer).fetch(input, init);
    const response = await this.#base(input, init);
    if (this.#stopped || !asksForAuthorization(response)) return response;
    void response.body?.cancel().catch(() => {});
    this.#authorizer ??= this.#create();
    return (await this.#authorizer).fetch(input, init);
  };

  /** After this, no request starts an authorization (the session's DELETE on close). */
  stop(): void {
    this.#stopped = true;
    void this.#authorizer?.then((authorizer) => authorizer.stop(), () => {});
  }

  async signOut(): Promise<{ revoked: boolean }> {
    return this.#authorizer ? (await this.#authorizer).signOut() : { revoked: false };
  }
}
