// @ts-check
/**
 * The authorization server's storage: in memory, one store per server. oidc-provider's own
 * fallback is one LRU shared by every provider in the process (so two servers in one test run share
 * and evict each other's grants) and announces itself with a development-only warning; this one
 * is the same idea, kept apart per server and bounded, with expiry honoured on read.
 */

/** @typedef {{ payload: Record<string, unknown>, expiresAt: number | undefined }} Stored */

/** Records kept at most per server (oldest dropped first). */
const MAX_RECORDS = 10_000;
const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** A fresh store; pass the result as oidc-provider's `adapter` option. */
export function memoryAdapter() {
  /** @type {Map<string, Stored>} */
  const records = new Map();
  /** @type {Map<string, string>} */
  const index = new Map();
  /** @type {Map<string, Set<string>>} */
  const grants = new Map();
  const now = () => Math.floor(Date.now() / 1000);

  /** @param {string} key */
  const read = (key) => {
    const stored = records.get(key);
    if (!stored) return undefined;
    if (stored.expiresAt !== undefined && stored.expiresAt <= now()) {
      records.delete(key);
      return undefined;
    }
    return stored.payload;
  };

  return class MemoryAdapter {
    /** @param {string} model */
    constructor(model) {
      this.model = model;
    }

    /** @param {string} id */
    key(id) {
      return `${this.model}:${id}`;
    }

    /** @param {string} id @param {Record<string, unknown>} payload @param {number} [expiresIn] */
    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      records.delete(key);
      records.set(key, { payload: { ...payload }, expiresAt: expiresIn ? now() + expiresIn : undefined });
      if (records.size > MAX_RECORDS) records.delete(/** @type {string} */ (records.keys().next().value));
      if (this.model === 'Session' && typeof payload.uid === 'string') index.set(`sessionUid:${payload.uid}`, id);
      if (typeof payload.userCode === 'string') index.set(`userCode:${payload.userCode}`, id);
      if (grantable.has(this.model) && typeof payload.grantId === 'string') {
        const keys = grants.get(payload.grantId) ?? new Set();
        keys.add(key);
        grants.set(payload.grantId, keys);
      }
    }

    /** @param {string} id */
    async find(id) {
      return read(this.key(id));
    }

    /** @param {string} uid */
    async findByUid(uid) {
      const id = index.get(`sessionUid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    /** @param {string} userCode */
    async findByUserCode(userCode) {
      const id = index.get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    /** @param {string} id */
    async consume(id) {
      const payload = read(this.key(id));
      if (payload) payload.consumed = now();
    }

    /** @param {string} id */
    async destroy(id) {
      records.delete(this.key(id));
    }

    /** @param {string} grantId */
    async revokeByGrantId(grantId) {
      for (const key of grants.get(grantId) ?? []) records.delete(key);
      grants.delete(grantId);
    }
  };
}
