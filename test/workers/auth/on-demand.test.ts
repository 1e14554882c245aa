/**
 * An HTTP connection configured without `oauth` loads the authorizer only when its server asks
 * for authorization: an open server is reached with plain requests, and a protected one still
 * meets its 401 with the whole OAuth flow (real worker, real authorization server).
 */
import { expect } from '@esm-bundle/chai';
import type { McpConnection } from '../../../src/connections/connection.js';
import { ErrorCode } from '../../../workers/shared/errors.js';
import { testEnv } from '../../support/env.js';
import { countingPopup, oidcEnv, open, rsControl } from './oidc-support.js';

type Coded = Error & { code?: string };

describe('auth: the authorizer on demand (no oauth config)', function () {
  this.timeout(60_000);
  let connection: McpConnection | undefined;

  afterEach(async () => {
    await connection?.close();
    connection = undefined;
  });

  it('an open HTTP server: connects, lists and calls with no authorization', async () => {
    connection = await open({ url: testEnv().httpUrl, transport: 'http' });
    expect((await connection.listTools()).length).to.be.greaterThan(0);
    const result = await connection.callTool('echo', { text: 'plain' });
    expect(JSON.stringify(result.content)).to.contain('plain');
  });

  it('a protected server: its 401 loads the authorizer, whose guard refuses the plain-http AS (no development flag)', async () => {
    const popup = countingPopup();
    const before = await rsControl.stats();
    let outcome: unknown;
    try {
      connection = await open({ url: oidcEnv().protectedHttpUrl, transport: 'http' }, { onAuthorize: popup.onAuthorize });
      outcome = 'open';
    } catch (err) {
      outcome = (err as Coded).code;
    }
    expect((await rsControl.stats()).unauthorized).to.be.greaterThan(before.unauthorized);
    // The authorizer's discovery ran (only it knows this code): http:// metadata needs `development: true`.
    expect(outcome).to.equal(ErrorCode.AUTH_UNSAFE_URL);
    expect(popup.urls, 'never sent to an unsafe AS').to.have.length(0);
  });
});
