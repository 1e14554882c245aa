/** Entry point of one connection worker: exposes a Connection through comlink. */
import { expose } from 'comlink';
import './shared/transfer-handlers.js';
import { Connection } from './connection.js';

expose(new Connection());
