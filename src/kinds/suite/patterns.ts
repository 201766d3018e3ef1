// include/exclude of a suite: benchmark names matched by patterns where `*` is any text (slashes
// and ` > ` included: names are not paths) and `?` one character; `\` makes the next one literal.

/** Why a pattern cannot be used, or undefined. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'it is blank';
  if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) return 'it ends with a lone \\';
  return undefined;
}

export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += literal(pattern[++i]!);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += literal(c);
  }
  return new RegExp(`^${source}$`, 's');
}

const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A name filter: included when it matches an include pattern (any name when there are none)
 *  and no exclude pattern. */
export function nameFilter(include: readonly string[], exclude: readonly string[]) {
  const inc = include.map(patternToRegExp);
  const exc = exclude.map(patternToRegExp);
  return (name: string): boolean =>
    (inc.length === 0 || inc.some((r) => r.test(name))) && !exc.some((r) => r.test(name));
}
