/** What makes a field need quotes. One object: a literal in the function would make a RegExp at every call. */
const NEEDS_QUOTES = /[",\r\n]/;

/** Quotes a text field only when CSV requires it. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
