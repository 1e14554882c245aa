/**
 * RFC 6570 URI templates, as MCP resource templates use them (`notes://note/{id}`): the variable
 * names of a template, and its expansion with string values (levels 1–3: simple, reserved `+`,
 * fragment `#`, label `.`, path `/`, path-parameter `;`, query `?` and continuation `&`
 * expressions, comma-separated variable lists). Level 4 modifiers (`:n`, `*`) are accepted and
 * applied to strings (`:n` cuts the value). Pure, no DOM.
 */

interface Operator {
  first: string;
  separator: string;
  named: boolean;
  /** What an empty value of a named variable becomes (`;x` vs `?x=`). */
  ifEmpty: string;
  /** Reserved characters pass unencoded (`+`, `#`). */
  reserved: boolean;
}

const OPERATORS: Record<string, Operator> = {
  '': { first: '', separator: ',', named: false, ifEmpty: '', reserved: false },
  '+': { first: '', separator: ',', named: false, ifEmpty: '', reserved: true },
  '#': { first: '#', separator: ',', named: false, ifEmpty: '', reserved: true },
  '.': { first: '.', separator: '.', named: false, ifEmpty: '', reserved: false },
  '/': { first: '/', separator: '/', named: false, ifEmpty: '', reserved: false },
  ';': { first: ';', separator: ';', named: true, ifEmpty: '', reserved: false },
  '?': { first: '?', separator: '&', named: true, ifEmpty: '=', reserved: false },
  '&': { first: '&', separator: '&', named: true, ifEmpty: '=', reserved: false },
};

const EXPRESSION = /\{([^{}]*)\}/g;
const VARIABLE = /^([A-Za-z0-9_.%]+)(?::(\d{1,4})|\*)?$/;

interface Spec {
  name: string;
  prefix?: number;
}

function parseExpression(body: string): { operator: Operator; vars: Spec[] } | undefined {
  const op = body[0] !== undefined && body[0] in OPERATORS && body[0] !== '' ? body[0] : '';
  const operator = OPERATORS[op]!;
  const vars: Spec[] = [];
  for (const part of body.slice(op.length).split(',')) {
    const m = VARIABLE.exec(part);
    if (!m) return undefined;
    vars.push({ name: m[1]!, ...(m[2] !== undefined && { prefix: Number(m[2]) }) });
  }
  return { operator, vars };
}

/** The variable names of a template, in order of first appearance (none when it has no valid expression). */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(EXPRESSION)) {
    for (const v of parseExpression(match[1] ?? '')?.vars ?? []) if (!names.includes(v.name)) names.push(v.name);
  }
  return names;
}

function encode(value: string, reserved: boolean): string {
  let out = '';
  const chars = [...value];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch;
    // With `reserved` (`+`, `#`), RFC 3986 reserved characters and pct-encoded triplets pass as they are.
    else if (reserved && /[:/?#[\]@!$&'()*+,;=]/.test(ch)) out += ch;
    else if (reserved && ch === '%' && /^[0-9A-Fa-f]{2}$/.test(`${chars[i + 1] ?? ''}${chars[i + 2] ?? ''}`)) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

/** Expands `template` with `values` (missing or undefined variables are left out, as RFC 6570 says). */
export function expandTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string {
  return template.replace(EXPRESSION, (whole, body: string) => {
    const parsed = parseExpression(body);
    if (!parsed) return whole;
    const { operator, vars } = parsed;
    const parts: string[] = [];
    for (const v of vars) {
      const raw = values[v.name];
      if (raw === undefined) continue;
      const value = encode(v.prefix !== undefined ? [...raw].slice(0, v.prefix).join('') : raw, operator.reserved);
      parts.push(operator.named ? (value === '' ? `${v.name}${operator.ifEmpty}` : `${v.name}=${value}`) : value);
    }
    return parts.length === 0 ? '' : operator.first + parts.join(operator.separator);
  });
}
