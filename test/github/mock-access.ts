// The access half of the mock GitHub (mock-github.ts delegates to it): each collaborator's
// permission on the one repository, and the events of an issue or pull request (who added which
// label, when). Answers have the documented shapes; mock-github.ts checks them.
import { FULL_NAME, type UserSpec, userObject } from './fixtures.js';
import { notFound, type Reply } from './mock-issues.js';

export interface SeedCollaborator extends UserSpec {
  /** `admin`, `write` or `read` (what the API's `permission` field says). */
  permission: 'admin' | 'write' | 'read';
}

export interface SeedIssueEvent {
  issueNumber: number;
  event: 'labeled' | 'unlabeled';
  label: string;
  actor: UserSpec;
  createdAt?: string;
}

const API = `https://api.github.com/repos/${FULL_NAME}`;
const ROLE = { admin: 'admin', write: 'write', read: 'read' } as const;

export class AccessStore {
  collaborators = new Map<string, SeedCollaborator>();
  events: Array<SeedIssueEvent & { id: number; createdAt: string }> = [];
  private nextId = 9000;

  reset(): void {
    this.collaborators.clear();
    this.events = [];
  }

  seed(seed: { collaborators?: SeedCollaborator[]; issueEvents?: SeedIssueEvent[] }): void {
    for (const c of seed.collaborators ?? []) this.collaborators.set(c.login.toLowerCase(), c);
    for (const e of seed.issueEvents ?? []) {
      this.events.push({
        ...e,
        id: this.nextId++,
        createdAt: e.createdAt ?? new Date().toISOString(),
      });
    }
  }

  /** The reply for an access operation; undefined for any other operation. */
  operate(
    operationId: string,
    params: Record<string, string>,
    page: (all: unknown[]) => Reply,
    isIssue: (n: number) => boolean,
  ): Reply | undefined {
    switch (operationId) {
      case 'repos/get-collaborator-permission-level': {
        const c = this.collaborators.get(String(params.username).toLowerCase());
        // GitHub answers 404 for someone who is not a collaborator.
        if (!c) return notFound();
        return {
          status: 200,
          body: {
            permission: c.permission,
            role_name: ROLE[c.permission],
            user: { ...(userObject(c) as object), role_name: ROLE[c.permission] },
          },
        };
      }
      case 'issues/list-events': {
        const issue = Number(params.issue_number);
        if (!isIssue(issue)) return notFound();
        return page(
          this.events
            .filter((e) => e.issueNumber === issue)
            .map((e) => ({
              id: e.id,
              node_id: `LE_${e.id}`,
              url: `${API}/issues/events/${e.id}`,
              actor: userObject(e.actor),
              event: e.event,
              commit_id: null,
              commit_url: null,
              created_at: e.createdAt,
              performed_via_github_app: null,
              label: { name: e.label, color: 'ededed' },
            })),
        );
      }
      default:
        return undefined;
    }
  }
}
