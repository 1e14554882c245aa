/**
 * The host context a view gets in `ui/initialize` (SEP-1865 "Host Context"): theme and the spec's
 * style variables taken from the element's own `--tg-*` tokens (resolved through its theme, so a
 * host page's overrides and dark mode carry over), display mode, locale, time zone, container size.
 */
import type { JsonObject } from './bridge.js';
import type { DisplayMode } from './view-session.js';

/** Spec style variable ← the theme's resolved private token (see elements/shared/theme.styles.ts). */
const STYLE_MAP: Record<string, string> = {
  '--color-background-primary': '--_bg',
  '--color-background-secondary': '--_surface',
  '--color-text-primary': '--_fg',
  '--color-text-secondary': '--_muted',
  '--color-border-primary': '--_border',
  '--color-ring-primary': '--_accent',
  '--color-background-info': '--_surface',
  '--color-text-danger': '--_error',
  '--color-background-danger': '--_error-bg',
  '--color-text-success': '--_ok',
  '--color-background-success': '--_ok-bg',
  '--color-text-warning': '--_warn',
  '--color-background-warning': '--_warn-bg',
  '--font-sans': '--_font',
  '--font-mono': '--_mono',
  '--border-radius-md': '--_radius',
};

export const DISPLAY_MODES: readonly DisplayMode[] = ['inline', 'fullscreen'];

export interface ContextInput {
  element: Element;
  displayMode: DisplayMode;
  width: number;
  maxHeight: number;
  tool: JsonObject;
}

export function themeOf(element: Element): 'light' | 'dark' {
  return element.ownerDocument.defaultView?.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function styleVariables(element: Element): JsonObject {
  const style = getComputedStyle(element);
  const out: JsonObject = {};
  for (const [spec, token] of Object.entries(STYLE_MAP)) {
    const value = style.getPropertyValue(token).trim();
    if (value) out[spec] = value;
  }
  return out;
}

export function hostContext(input: ContextInput): JsonObject {
  return {
    toolInfo: { tool: input.tool },
    theme: themeOf(input.element),
    styles: { variables: styleVariables(input.element) },
    displayMode: input.displayMode,
    availableDisplayModes: [...DISPLAY_MODES],
    containerDimensions: { width: Math.round(input.width), maxHeight: Math.round(input.maxHeight) },
    locale: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    platform: 'web',
    userAgent: 'toolgate',
    deviceCapabilities: { touch: navigator.maxTouchPoints > 0, hover: matchMedia('(hover: hover)').matches },
  };
}
