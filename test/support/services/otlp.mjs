// @ts-check
/** The OTLP/HTTP receiver (test/support/servers/otlp-receiver.mjs) for the audit shipping tests. */
import { startOtlpReceiver } from '../servers/otlp-receiver.mjs';

/** @returns {Promise<import('./index.mjs').TestService>} */
export async function start() {
  const receiver = await startOtlpReceiver();
  return { env: { otlpUrl: receiver.url, otlpControlUrl: receiver.controlUrl }, close: () => receiver.close() };
}
