/**
 * Type-level test (checked by `npm run typecheck`, never run): the framework typings of
 * src/framework-types.ts compile and reject wrong props. React 19 and Vue (types/react.d.ts,
 * types/vue.d.ts) need those packages' types, which are not installed here.
 */
import type { ToolgateElementProps } from '../../src/index.js';
import type { Policy } from '../../src/gate/policy.js';

const policy: Policy = { version: 1 };

// HTMLElementTagNameMap: createElement and querySelector are typed.
export const agent = document.createElement('tg-agent');
agent.allowedOrigins = ['https://img.example'];
export const connections: HTMLElementTagNameMap['tg-connections'] | null = document.querySelector('tg-connections');

// The global JSX namespace (React 18, Preact).
export const jsxAgent: JSX.IntrinsicElements['tg-agent'] = { tenant: 'acme', policy, 'allowed-origins': 'https://img.example', className: 'x' };
export const jsxServer: JSX.IntrinsicElements['tg-server'] = { url: 'wss://tools.example/mcp', msgpack: true, transport: 'websocket' };
export const jsxProvider: JSX.IntrinsicElements['tg-provider'] = { kind: 'openai', 'base-url': 'http://localhost:11434/v1', model: 'qwen' };
// @ts-expect-error -- not a property of <tg-agent>
export const jsxBad: JSX.IntrinsicElements['tg-agent'] = { tenantt: 'acme' };
// @ts-expect-error -- policy is an object, not a string
export const jsxBadPolicy: JSX.IntrinsicElements['tg-agent'] = { policy: 'allow-all' };
// @ts-expect-error -- transport must be one of the supported ones
export const jsxBadTransport: JSX.IntrinsicElements['tg-server'] = { url: 'wss://x', transport: 'carrier-pigeon' };

// Svelte: the global svelteHTML namespace.
export const svelteAgent: svelteHTML.IntrinsicElements['tg-agent'] = { 'no-audit': true, roles: ['hr'] };
export const all: (keyof ToolgateElementProps)[] = ['tg-agent', 'tg-server', 'tg-provider', 'tg-connections', 'tg-approval', 'tg-audit-log', 'tg-manual-form'];
