/** class-transformer `@Transform` for admin inputs: surrounding blanks never become part of a name. */
export const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
