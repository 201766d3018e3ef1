// Finding the one comment or issue perfgate wrote again: page by page (rather than
// octokit.paginate, which reads fields of the answer before any check of its shape could run),
// the first item whose body starts with the hidden marker and whose author is trusted.
import { z } from 'zod';
import { type ApiCall, answerShape, callGitHub } from './api-error.js';

/** Authors whose marker is trusted: a bot (GITHUB_TOKEN, an app) or a person with write access
 *  (a PAT). A contributor pasting the marker into a comment or issue of their own must not make
 *  perfgate write its report into something they can edit. */
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** The fields of a comment or an issue the look-up reads. */
export const markedShape = z.object({
  html_url: z.string(),
  body: z.string().nullish(),
  user: z.object({ type: z.string() }).nullish(),
  author_association: z.string(),
});

type Marked = z.infer<typeof markedShape>;

/** Whether `item` is perfgate's own: trusted author, body starting with `marker`. */
export function isMarked(item: Marked, marker: string): item is Marked & { body: string } {
  const trusted = item.user?.type === 'Bot' || TRUSTED_ASSOCIATIONS.has(item.author_association);
  return trusted && item.body?.trimStart().startsWith(marker) === true;
}

/** The first item of any page (100 each, at most `maxPages`) that `matches`. */
export async function findOnPages<T>(
  call: ApiCall,
  page: (n: number) => Promise<{ data: unknown; headers: { link?: string } }>,
  shape: z.ZodType<T>,
  matches: (item: T) => boolean,
  maxPages: number,
): Promise<T | undefined> {
  for (let n = 1; n <= maxPages; n++) {
    const response = await callGitHub(call, () => page(n));
    const items = answerShape(call, z.array(shape), response.data);
    const found = items.find(matches);
    if (found !== undefined) return found;
    if (items.length < 100 || !/rel="next"/.test(response.headers.link ?? '')) break;
  }
  return undefined;
}
