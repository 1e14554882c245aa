/** A list attribute, space- or comma-separated: `roles="hr devops"` or `roles="hr, devops"`. */
export const listConverter = {
  fromAttribute: (value: string | null) => (value === null ? undefined : value.split(/[\s,]+/).filter(Boolean)),
  toAttribute: (value: readonly string[] | undefined) => (value === undefined ? null : value.join(' ')),
};
