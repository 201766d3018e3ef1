// A maintainer's acceptance as the reports say it (who accepted what, when, why, and whether it
// still holds), and as the comment keeps it between runs: a hidden HTML comment at the end of
// the body, base64 JSON read back through the result schema's acceptance shape.
import { type Acceptance, acceptanceSchema, type Result } from '../result.js';
import { formatChange, formatInterval, formatTimestamp } from './format.js';

const STATE_PREFIX = '<!-- perfgate-acceptance:';
const STATE_SUFFIX = ' -->';

/** The hidden state line: base64, so nothing in it can end the HTML comment early. */
export function acceptanceState(acceptance: Acceptance): string {
  const json = JSON.stringify(acceptance);
  return `${STATE_PREFIX}${Buffer.from(json, 'utf8').toString('base64')}${STATE_SUFFIX}`;
}

/** The acceptance a comment body keeps, or undefined when it has none or it does not parse:
 *  a comment anyone with write access could edit is read as untrusted data. */
export function readAcceptanceState(body: string): Acceptance | undefined {
  const start = body.lastIndexOf(STATE_PREFIX);
  if (start < 0) return undefined;
  const from = start + STATE_PREFIX.length;
  const end = body.indexOf(STATE_SUFFIX, from);
  if (end < 0) return undefined;
  const encoded = body.slice(from, end);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length > 400_000) return undefined;
  try {
    const parsed = acceptanceSchema.safeParse(
      JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** True when the result's gate passed because of an acceptance. */
export function isAccepted(result: Result): boolean {
  return result.acceptance?.status === 'accepted' && result.acceptance.verdict === 'fail';
}

/** Plain text: the headline sentence, then one line per accepted target, then any problems. */
export function acceptanceText(acceptance: Acceptance): {
  lead: string;
  metrics: string[];
  problems: string[];
} {
  const how = acceptance.via === 'label' ? 'by label' : 'by comment';
  const when = formatTimestamp(acceptance.at);
  const reason = acceptance.reason.trim() ? `: “${acceptance.reason.trim()}”` : '';
  const lead = {
    accepted: `Accepted by @${acceptance.by} (${acceptance.permission}) ${how} on ${when}${reason}`,
    exceeded: `No longer accepted: @${acceptance.by} accepted ${how} on ${when}${reason}, but this push is worse`,
    refused: `Not accepted: @${acceptance.by} asked ${how} on ${when} without write access`,
  }[acceptance.status];
  // One entry per accepted target: its metrics with the change and CI they were accepted at.
  const targets = new Map<string, string[]>();
  for (const m of acceptance.metrics) {
    const name = m.target ?? m.benchmark;
    const ci = m.scale === 'exact' ? 'exact' : formatInterval(m.ci, m.scale, m.unit);
    const figures = `${m.metric} ${formatChange(m.change, m.scale, m.unit)} ${ci}`;
    targets.set(name, [...(targets.get(name) ?? []), figures]);
  }
  const metrics = [...targets].map(([name, figures]) => `${name}: ${figures.join(', ')}`);
  return { lead, metrics, problems: acceptance.problems };
}
