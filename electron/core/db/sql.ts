/**
 * A tagged-template helper so every value is bound as a parameter, never spliced into SQL.
 *   db.prepare(q.text).all(...q.values) where q = sql`SELECT * FROM t WHERE a = ${x}`
 * `raw()` marks a trusted fragment (an identifier chosen by code, never by input).
 */
export interface SqlQuery {
  readonly text: string;
  readonly values: unknown[];
}

const RAW = Symbol('raw');
interface RawFragment {
  [RAW]: string;
}

export function raw(text: string): RawFragment {
  return { [RAW]: text };
}

function isRaw(value: unknown): value is RawFragment {
  return typeof value === 'object' && value !== null && RAW in value;
}

function isQuery(value: unknown): value is SqlQuery {
  return typeof value === 'object' && value !== null && 'text' in value && 'values' in value && Array.isArray((value as SqlQuery).values);
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlQuery {
  let text = strings[0] ?? '';
  const bound: unknown[] = [];
  values.forEach((value, i) => {
    if (isRaw(value)) text += value[RAW];
    else if (isQuery(value)) {
      text += value.text;
      bound.push(...value.values);
    } else {
      text += '?';
      bound.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, values: bound };
}

/** Join fragments with a separator, e.g. WHERE clauses built from optional filters. */
export function join(parts: SqlQuery[], separator: string): SqlQuery {
  return {
    text: parts.map((p) => p.text).join(separator),
    values: parts.flatMap((p) => p.values),
  };
}
