/**
 * Scope choice (basic/authorization.mdx §Scope Selection Strategy, SEP-2207): the challenge's `scope`
 * is authoritative; else the PRM's `scopes_supported` (plus `offline_access` only when the AS lists
 * it); else none. Step-up asks for the union of what was asked before and what is challenged.
 */
import { scopeList } from './www-authenticate.js';

export function chooseScope(challengeScope: string | undefined, prmScopes: readonly string[] | undefined, asScopes: readonly string[] | undefined): string | undefined {
  if (challengeScope && scopeList(challengeScope).length) return scopeList(challengeScope).join(' ');
  if (prmScopes?.length) {
    const scopes = [...prmScopes];
    if (asScopes?.includes('offline_access') && !scopes.includes('offline_access')) scopes.push('offline_access');
    return scopes.join(' ');
  }
  return undefined;
}

export function unionScopes(...scopes: (string | undefined)[]): string | undefined {
  const all = [...new Set(scopes.flatMap(scopeList))];
  return all.length ? all.join(' ') : undefined;
}
