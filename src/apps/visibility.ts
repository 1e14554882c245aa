/**
 * Who may call a tool under MCP Apps visibility (SEP-1865 "Visibility"): a model — and the person
 * choosing tools in its place — only tools whose `_meta.ui.visibility` includes `model`; a view
 * only tools of its OWN server whose visibility includes `app`. Cross-server calls from a view are
 * always refused. Pure; the gate applies it to every listing and every call.
 */
import type { Tool } from '../../workers/shared/wire.js';
import type { Proposer } from '../gate/tool-gate.js';
import { toolUi } from './ui-meta.js';

export function callableBy(tool: Pick<Tool, '_meta'>, serverId: string, proposer: Proposer): boolean {
  const ui = toolUi(tool);
  if (proposer.kind === 'app') return ui.app && proposer.serverId === serverId;
  return ui.model;
}
