/**
 * Where a connection's worker comes from, and what a failed start says: `workerUrl` is used as given,
 * and a worker that cannot start rejects `McpConnection.open` with `TG_WORKER_FAILED` naming the URL
 * and the cause. (The consumer suite, test/consumers/, runs the built package the same way from
 * bundlers, a CDN on another origin and a sub-path.)
 */
import { expect } from '@esm-bundle/chai';
import { McpConnection } from '../../src/connections/connection.js';
import { ErrorCode } from '../../workers/shared/errors.js';
import { rejection } from '../support/async.js';
import { testEnv } from '../support/env.js';

type Coded = Error & { code?: string; data?: { url?: string; via?: string } };

const WORKER = new URL('../../workers/connection.worker.ts', import.meta.url).href;

describe('connection workers: where they load from, and why they failed', () => {
  it('starts the worker from workerUrl', async () => {
    const connection = await McpConnection.open({ url: testEnv().wsUrl }, { workerUrl: WORKER });
    try {
      expect(connection.status).to.equal('ready');
      expect((await connection.listTools()).length).to.be.greaterThan(0);
    } finally {
      await connection.close();
    }
  });

  it('names the URL and a 404 when the worker file is missing', async () => {
    const missing = new URL('/no/such/folder/connection.worker.js', location.href).href;
    const err = (await rejection(McpConnection.open({ url: testEnv().wsUrl }, { workerUrl: '/no/such/folder/connection.worker.js' }))) as Coded;
    expect(err.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(err.message).to.contain(missing).and.to.contain('answered 404');
    expect(err.data).to.deep.equal({ url: missing, via: 'host' });
  });

  it('names a wrong MIME type', async () => {
    const err = (await rejection(McpConnection.open({ url: testEnv().wsUrl }, { workerUrl: '/README.md' }))) as Coded;
    expect(err.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(err.message).to.contain('/README.md').and.to.match(/sent it as "text\/[a-z-]+"; browsers run worker scripts only with a JavaScript MIME type/);
  });

  it('refuses a workerUrl on another origin with a coded error, not the browser’s SecurityError', async () => {
    const elsewhere = `${testEnv().serverOrigin}/connection.worker.js`;
    const err = (await rejection(McpConnection.open({ url: testEnv().wsUrl }, { workerUrl: elsewhere }))) as Coded;
    expect(err.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(err.message).to.contain(elsewhere).and.to.contain("on this page's origin");
  });

  it('turns whatever a custom worker factory throws into TG_WORKER_FAILED', async () => {
    const err = (await rejection(
      McpConnection.open(
        { url: testEnv().wsUrl },
        {
          createWorker: () => {
            throw new Error('no workers here');
          },
        },
      ),
    )) as Coded;
    expect(err.code).to.equal(ErrorCode.WORKER_FAILED);
    expect(err.message).to.contain('no workers here');
  });
});
