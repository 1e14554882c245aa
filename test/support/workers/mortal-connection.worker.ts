/**
 * A connection worker for tests that can be told to end itself silently: `self.close()`, as a
 * browser ends a worker under memory pressure — no `error` event, no answers, nothing.
 *
 * Test-only: it is not part of the package (never built, never exported), so neither a server nor
 * a page script in production can reach the hook. The test page tells it to end on a
 * BroadcastChannel: `endMortalWorkers(name?)`.
 */
import { expose } from 'comlink';
import '../../../workers/shared/transfer-handlers.js';
import { Connection } from '../../../workers/connection.js';
import { MORTAL_CHANNEL, type MortalMessage } from './mortal.js';

// Typed with the page's DOM lib (as the bench workers are): `self.name` and `self.close()` exist on both.
const channel = new BroadcastChannel(MORTAL_CHANNEL);
channel.onmessage = (event: MessageEvent<MortalMessage>) => {
  if (event.data?.type !== 'end' || (event.data.name !== undefined && event.data.name !== self.name)) return;
  channel.close();
  self.close();
};

expose(new Connection());
