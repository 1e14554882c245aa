/**
 * Shared pieces of the picker element tests (`<tg-prompt-menu>`, `<tg-resource-picker>`): the demo
 * server as a context server over a real connection, closed after each test, and the pickers'
 * close events.
 */
import { fixture } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { McpConnection } from '../../src/connections/connection.js';
import { ComposerContext } from '../../src/context/composer-context.js';
import { contextServer, type ContextServer } from '../../src/context/context-server.js';
import type { TgPickerCloseEvent } from '../../src/events/tg-picker-close.js';
import { taggedWsUrl, uniqueTag } from './env.js';

export const WAIT = { timeout: 8000 };

const connections: McpConnection[] = [];

/** For `afterEach`: closes the connections `demo()` opened. */
export async function closeDemos(): Promise<void> {
  await Promise.all(connections.splice(0).map((c) => c.close()));
}

/** The demo server as the pickers see it; `tag` finds its socket through the server's test hooks. */
async function demo(): Promise<{ server: ContextServer; tag: string }> {
  const tag = uniqueTag('picker');
  const connection = await McpConnection.open({ url: taggedWsUrl(tag) });
  connections.push(connection);
  return { server: contextServer('demo', 'Demo notes', connection.config.url, connection), tag };
}

/**
 * A picker rendered by `render` over the demo server with a fresh composer, and the close events
 * it fires from the start.
 */
export async function pickerFixture<T extends HTMLElement>(render: (server: ContextServer, composer: ComposerContext) => TemplateResult) {
  const { server, tag } = await demo();
  const composer = new ComposerContext();
  const el = await fixture<T>(render(server, composer));
  return { el, server, tag, composer, closed: closes(el) };
}

export const root = (el: Element) => el.shadowRoot!;

/** Every `tg-picker-close` detail `el` fires from now on, in order. */
function closes(el: HTMLElement): TgPickerCloseEvent['detail'][] {
  const seen: TgPickerCloseEvent['detail'][] = [];
  el.addEventListener('tg-picker-close', (e) => seen.push(e.detail));
  return seen;
}
