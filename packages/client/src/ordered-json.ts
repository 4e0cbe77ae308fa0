/**
 * The keys of one object inside a JSON text, in document order.
 * `JSON.parse` puts integer-like keys first in ascending order, so the
 * server's order (which `mp login` uses to pick the first organization)
 * must be read from the text itself. Returns null when the path is missing.
 */
export function keysInOrder(text: string, path: readonly string[]): string[] | null {
  let index = 0;
  const ws = () => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  };
  const string = (): string => {
    const start = index;
    index++;
    while (text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    index++;
    return JSON.parse(text.slice(start, index));
  };
  /** Skips any value; when `want` is given and this is an object, returns its keys (or descends). */
  const value = (depth: number): string[] | null => {
    ws();
    const char = text[index];
    if (char === '{') {
      index++;
      const keys: string[] = [];
      let found: string[] | null = null;
      ws();
      if (text[index] === '}') {
        index++;
        return depth === path.length ? keys : null;
      }
      for (;;) {
        ws();
        const key = string();
        keys.push(key);
        ws();
        index++; // ':'
        const inner = value(key === path[depth] ? depth + 1 : Number.POSITIVE_INFINITY);
        if (inner && key === path[depth]) found = inner;
        ws();
        if (text[index] === ',') index++;
        else {
          index++; // '}'
          break;
        }
      }
      return depth === path.length ? keys : found;
    }
    if (char === '[') {
      index++;
      ws();
      if (text[index] === ']') {
        index++;
        return null;
      }
      for (;;) {
        value(Number.POSITIVE_INFINITY);
        ws();
        if (text[index++] !== ',') break;
      }
      return null;
    }
    if (char === '"') {
      string();
      return null;
    }
    while (index < text.length && !',}] \t\n\r'.includes(text[index]!)) index++;
    return null;
  };
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  return value(0);
}
