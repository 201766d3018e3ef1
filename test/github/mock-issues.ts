// The issues half of the mock GitHub (mock-github.ts delegates to it): issues listed by label
// and state, created and updated; labels looked up and created; the pull requests associated
// with a commit. Answers have the documented shapes; mock-github.ts checks them.
import {
  FULL_NAME,
  type PullRequestSpec,
  pullRequestObject,
  type UserSpec,
  userObject,
} from './fixtures.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SeedIssue {
  title: string;
  body: string;
  state?: 'open' | 'closed';
  labels?: string[];
  user?: UserSpec;
  /** `author_association` (`OWNER` unless told). */
  association?: string;
  /** A pull request listed by the issues API (it has a `pull_request` field). */
  isPullRequest?: boolean;
}

export interface SeedCommitPull extends PullRequestSpec {
  /** The commit the pull request is associated with. */
  commit: string;
  mergedAt: string | null;
}

export interface StoredIssue extends SeedIssue {
  number: number;
  state: 'open' | 'closed';
  labels: string[];
  stateReason?: string | null;
  createdAt: string;
  updatedAt: string;
}

const API = `https://api.github.com/repos/${FULL_NAME}`;
const GITHUB_BODY_LIMIT = 65_536;

export const notFound = (): Reply => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
});
const unprocessable = (message: string, code = 'invalid'): Reply => ({
  status: 422,
  body: {
    message: 'Validation Failed',
    errors: [{ resource: 'Issue', code, field: 'body', message }],
    documentation_url: 'https://docs.github.com/rest',
  },
});

export class IssueStore {
  issues = new Map<number, StoredIssue>();
  labels = new Map<string, { id: number; color: string; description: string | null }>();
  commitPulls: SeedCommitPull[] = [];
  /** Issue and pull request numbers share one sequence on GitHub; these start above the PRs'. */
  nextNumber = 500;

  reset(): void {
    this.issues.clear();
    this.labels.clear();
    this.commitPulls = [];
    this.nextNumber = 500;
  }

  seed(seed: {
    issues?: SeedIssue[];
    labels?: string[];
    commitPulls?: SeedCommitPull[];
  }): number[] {
    for (const name of seed.labels ?? []) this.addLabel(name, 'ededed', null);
    this.commitPulls.push(...(seed.commitPulls ?? []));
    return (seed.issues ?? []).map((issue) => this.add(issue).number);
  }

  has(issueNumber: number): boolean {
    return this.issues.has(issueNumber);
  }

  private add(issue: SeedIssue): StoredIssue {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const stored: StoredIssue = {
      ...issue,
      number: this.nextNumber++,
      state: issue.state ?? 'open',
      labels: issue.labels ?? [],
      createdAt: now,
      updatedAt: now,
    };
    for (const name of stored.labels)
      if (!this.labels.has(name)) this.addLabel(name, 'ededed', null);
    this.issues.set(stored.number, stored);
    return stored;
  }

  private addLabel(name: string, color: string, description: string | null): void {
    this.labels.set(name, { id: 9000 + this.labels.size, color, description });
  }

  /** The reply to an issues operation, or undefined when it is not one of these. */
  operate(
    operationId: string,
    params: Record<string, string>,
    url: URL,
    body: Record<string, unknown>,
    paged: (all: StoredIssue[]) => Reply,
    bot: UserSpec,
  ): Reply | undefined {
    switch (operationId) {
      case 'issues/list-for-repo': {
        const state = url.searchParams.get('state') ?? 'open';
        const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const all = [...this.issues.values()]
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => wanted.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number);
        return paged(all);
      }
      case 'issues/create': {
        const text = String(body.body ?? '');
        if (text.length > GITHUB_BODY_LIMIT) return unprocessable('body is too long');
        // Whether GitHub creates a missing label here is not documented; perfgate creates its
        // label first, so the mock refuses one that does not exist.
        const labels = (body.labels as string[] | undefined) ?? [];
        const missing = labels.find((l) => !this.labels.has(l));
        if (missing) return unprocessable(`label ${missing} does not exist`, 'missing');
        const issue = this.add({ title: String(body.title), body: text, labels, user: bot });
        issue.association = 'NONE';
        return { status: 201, body: this.issueObject(issue) };
      }
      case 'issues/update': {
        const issue = this.issues.get(Number(params.issue_number));
        if (!issue) return notFound();
        if (typeof body.body === 'string') {
          if (body.body.length > GITHUB_BODY_LIMIT) return unprocessable('body is too long');
          issue.body = body.body;
        }
        if (typeof body.title === 'string') issue.title = body.title;
        if (body.state === 'open' || body.state === 'closed') {
          issue.state = body.state;
          issue.stateReason = (body.state_reason as string | undefined) ?? null;
        }
        issue.updatedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        return { status: 200, body: this.issueObject(issue) };
      }
      case 'issues/get-label': {
        const label = this.labels.get(params.name ?? '');
        return label ? { status: 200, body: this.labelObject(params.name!) } : notFound();
      }
      case 'issues/create-label': {
        const name = String(body.name);
        if (this.labels.has(name)) return unprocessable('already_exists', 'already_exists');
        this.addLabel(name, String(body.color ?? 'ededed'), (body.description as string) ?? null);
        return { status: 201, body: this.labelObject(name) };
      }
      case 'repos/list-pull-requests-associated-with-commit': {
        const pulls = this.commitPulls.filter((p) => p.commit === params.commit_sha);
        return {
          status: 200,
          body: pulls.map((p) => {
            const pr = pullRequestObject(p);
            pr.state = p.mergedAt ? 'closed' : 'open';
            pr.merged_at = p.mergedAt;
            pr.closed_at = p.mergedAt;
            return pr;
          }),
        };
      }
      default:
        return undefined;
    }
  }

  labelObject(name: string): Record<string, unknown> {
    const label = this.labels.get(name)!;
    return {
      id: label.id,
      node_id: `LA_${label.id}`,
      url: `${API}/labels/${encodeURIComponent(name)}`,
      name,
      description: label.description,
      color: label.color,
      default: false,
    };
  }

  issueObject(issue: StoredIssue): Record<string, unknown> {
    const url = `${API}/issues/${issue.number}`;
    return {
      id: 70_000 + issue.number,
      node_id: `I_${issue.number}`,
      url,
      repository_url: API,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${FULL_NAME}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      state_reason: issue.stateReason ?? null,
      title: issue.title,
      body: issue.body,
      user: userObject(issue.user ?? { login: 'octocat', id: 583231 }),
      labels: issue.labels.map((name) => this.labelObject(name)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: 0,
      closed_at: issue.state === 'closed' ? issue.updatedAt : null,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      author_association: issue.association ?? 'OWNER',
      ...(issue.isPullRequest
        ? {
            pull_request: {
              url: `${API}/pulls/${issue.number}`,
              html_url: `https://github.com/${FULL_NAME}/pull/${issue.number}`,
              diff_url: `https://github.com/${FULL_NAME}/pull/${issue.number}.diff`,
              patch_url: `https://github.com/${FULL_NAME}/pull/${issue.number}.patch`,
            },
          }
        : {}),
    };
  }
}
