/**
 * Text for what a strategy module threw or returned. Reading such a value runs the module's code — getters, a
 * Proxy's traps, toString, toJSON — which may throw in turn; these functions never do, so that the module's mistake
 * is reported as its own instead of escaping as another error (a stack trace, a live session's end).
 */

const UNSHOWABLE = 'an object that cannot be shown';

/** The value as String gives it, or a placeholder when even that throws (`Object.create(null)`). */
export function valueText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return UNSHOWABLE;
  }
}

/** What was thrown: `Name: message` of an Error, else `prefix` and the value (`threw 5`). */
export function thrownText(error: unknown, prefix = ''): string {
  try {
    if (error instanceof Error) {
      const { name, message } = error;
      if (typeof name === 'string' && typeof message === 'string') return `${name}: ${message}`;
    }
  } catch {
    // A Proxy's trap or a getter threw: shown as any other value.
  }
  return prefix + valueText(error);
}

/** The value as JSON (as String gives it when JSON has no text for it), cut to 80 characters. */
export function valueExcerpt(value: unknown): string {
  let text: string;
  try {
    // undefined for functions and symbols, whatever the declared type says.
    const json = JSON.stringify(value) as unknown;
    text = typeof json === 'string' ? json : valueText(value);
  } catch {
    text = valueText(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
