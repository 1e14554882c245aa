/** A list attribute: `roles="hr devops"` or `roles="hr, devops"` (roles, origins, the WebMCP bridge's directions). */
export const wordsConverter = {
  fromAttribute: (value: string | null) => (value === null ? undefined : value.split(/[\s,]+/).filter(Boolean)),
  toAttribute: (value: readonly string[] | undefined) => (value === undefined ? null : value.join(' ')),
};
