/**
 * Encrypted token persistence (workers/auth/token-store.ts) with the real worker and the real AS:
 * a second worker (a reload) connects without a popup; the stored record is ciphertext under a
 * non-extractable key; a ciphertext copied under another key does not decrypt and reads as no token.
 */
import { expect } from '@esm-bundle/chai';
import type { McpConnection } from '../../../src/connections/connection.js';
import { openTokenStore } from '../../../workers/auth/token-store.js';
import { asControl, countingPopup, deleteDatabase, freshDatabase, oidcEnv, open, protectedConfig, rsControl, suiteTokenDatabase } from './oidc-support.js';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function rawDb(name: string): Promise<IDBDatabase> {
  return request(indexedDB.open(name));
}

describe('auth: encrypted token persistence', function () {
  this.timeout(60_000);
  const connections: McpConnection[] = [];
  const databases: string[] = [];
  const db = () => {
    const name = freshDatabase();
    databases.push(name);
    return name;
  };
  const config = (database: string) => {
    const base = protectedConfig();
    return { ...base, oauth: { ...base.oauth, database } };
  };

  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.close()));
    await Promise.all(databases.splice(0).map(deleteDatabase));
  });

  it('a second worker (a reload) connects and calls without a popup', async () => {
    const database = db();
    const first = countingPopup();
    connections.push(await open(config(database), { onAuthorize: first.onAuthorize }));
    await connections[0]!.callTool('search_notes', { query: 'Lisbon' });
    expect(first.urls).to.have.length(1);
    await connections[0]!.close();

    const second = countingPopup();
    const reloaded = await open(config(database), { onAuthorize: second.onAuthorize });
    connections.push(reloaded);
    const result = await reloaded.callTool('get_note', { id: 'note-1' });
    expect(JSON.stringify(result.content)).to.contain('Quarterly planning');
    expect(second.urls).to.have.length(0);
  });

  it('stores ciphertext under a non-extractable key, bound to its record', async () => {
    const database = db();
    const popup = countingPopup();
    connections.push(await open(config(database), { onAuthorize: popup.onAuthorize }));
    const raw = await rawDb(database);
    const key = (await request(raw.transaction('keys').objectStore('keys').getAll()))[0] as CryptoKey;
    const records = (await request(raw.transaction('tokens').objectStore('tokens').getAll())) as { id: string; server: string; iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer }[];
    raw.close();
    expect(key).to.be.instanceOf(CryptoKey);
    expect(key.extractable).to.equal(false);
    expect(key.algorithm.name).to.equal('AES-GCM');
    let exported = true;
    await crypto.subtle.exportKey('raw', key).catch(() => (exported = false));
    expect(exported).to.equal(false);
    expect(records).to.have.length(1);
    const record = records[0]!;
    expect(record.server).to.equal(oidcEnv().protectedHttpUrl);
    expect(record.id).to.equal(`${oidcEnv().oidcIssuer} ${oidcEnv().protectedHttpUrl}`);
    expect(Object.keys(record).sort()).to.deep.equal(['data', 'dpopKeyPair', 'id', 'iv', 'server'].filter((k) => k in record).sort());
    expect(new TextDecoder().decode(record.data)).not.to.contain('accessToken');
    // Decrypts with the key and the record id as associated data; not with another id.
    const plain = JSON.parse(new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv, additionalData: new TextEncoder().encode(record.id) }, key, record.data))) as { tokens: { accessToken: string } };
    expect(plain.tokens.accessToken).to.be.a('string');
    let swapped = true;
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv, additionalData: new TextEncoder().encode('other id') }, key, record.data).catch(() => (swapped = false));
    expect(swapped).to.equal(false);
  });

  it('a ciphertext copied into a database with another key reads as no token: the popup comes back', async () => {
    const source = db();
    const popup = countingPopup();
    connections.push(await open(config(source), { onAuthorize: popup.onAuthorize }));
    const raw = await rawDb(source);
    const records = await request(raw.transaction('tokens').objectStore('tokens').getAll());
    raw.close();
    expect(records).to.have.length(1);

    const copy = db();
    (await openTokenStore(copy)).close(); // its own, different key
    const target = await rawDb(copy);
    const tx = target.transaction('tokens', 'readwrite');
    for (const record of records) tx.objectStore('tokens').put(record);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    target.close();

    const store = await openTokenStore(copy);
    expect(await store.load(oidcEnv().protectedHttpUrl)).to.equal(undefined);
    store.close();
    const again = countingPopup();
    const connection = await open(config(copy), { onAuthorize: again.onAuthorize });
    connections.push(connection);
    expect(again.urls).to.have.length(1);
  });

  it('signOut deletes the stored record: the next worker needs a popup', async () => {
    const database = db();
    const popup = countingPopup();
    const first = await open(config(database), { onAuthorize: popup.onAuthorize });
    connections.push(first);
    await first.signOut();
    const store = await openTokenStore(database);
    expect(await store.load(oidcEnv().protectedHttpUrl)).to.equal(undefined);
    store.close();
    await first.close();
    const next = countingPopup();
    connections.push(await open(config(database), { onAuthorize: next.onAuthorize }));
    expect(next.urls).to.have.length(1);
  });
});

describe('auth: two workers sharing stored tokens (two tabs)', function () {
  this.timeout(90_000);
  const { database, keep } = suiteTokenDatabase();

  it('the second worker takes the first one’s rotated tokens instead of replaying a spent refresh token', async () => {
    const base = protectedConfig();
    const config = { ...base, oauth: { ...base.oauth, database } };
    const popupA = countingPopup();
    const a = keep(await open(config, { onAuthorize: popupA.onAuthorize }));
    const popupB = countingPopup();
    const b = keep(await open(config, { onAuthorize: popupB.onAuthorize }));
    expect(popupB.urls).to.have.length(0); // loaded from the store
    await rsControl.expireAccepted();
    const refreshesBefore = (await asControl.issued()).filter((t) => t.grantType === 'refresh_token' && t.kind === 'access_token').length;
    await a.callTool('search_notes', { query: 'Lisbon' }); // A refreshes (rotation)
    await b.callTool('search_notes', { query: 'Lisbon' }); // B must not present A's spent refresh token
    await a.callTool('get_note', { id: 'note-1' }); // and A's grant is still alive
    const refreshes = (await asControl.issued()).filter((t) => t.grantType === 'refresh_token' && t.kind === 'access_token').length - refreshesBefore;
    expect(refreshes).to.equal(1);
    expect(popupA.urls).to.have.length(1);
    expect(popupB.urls).to.have.length(0);
  });
});
