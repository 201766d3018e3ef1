// The rules over CPU-profile diffs, each on a constructed diff: what triggers it, the function it
// cites, and what does not trigger it.
import { describe, expect, it } from 'vitest';
import { profileAdvice } from '../../src/advice/profile.js';
import type { ProfileFunction, TargetProfile } from '../../src/profile/schema.js';
import { DERIVE_KEY, PBKDF2, pair, profiledFunction, routeProfile } from '../profile/fixtures.js';

function advise(target: TargetProfile) {
  return profileAdvice({ profiles: [target], notes: [], elapsedMs: 1 });
}

function rules(target: TargetProfile): string[] {
  return advise(target).map((a) => a.rule);
}

const HANDLER = profiledFunction(
  { name: 'handler', file: 'routes/orders.js', line: 12, own: true, changed: true },
  0.5,
  2.5,
);

describe('sync crypto or compression', () => {
  it('cites the project function that calls pbkdf2Sync, new in this PR, and the async form or a cache', () => {
    const [advice] = advise(routeProfile([DERIVE_KEY, PBKDF2]));
    expect(advice).toMatchObject({
      rule: 'sync-crypto-or-compression',
      title: 'Synchronous key derivation in deriveKey (server.js:6)',
      metrics: ['api/GET /login/cpu'],
    });
    expect(advice!.fix).toMatch(/asynchronous form \(crypto\.pbkdf2/);
    expect(advice!.fix).toMatch(/cache the result/);
    expect(advice!.evidence).toContain(
      'api GET /login: pbkdf2Sync (node:internal/crypto/pbkdf2:62) +3.60 ms/request (0.000 → 3.60); called from deriveKey (server.js:6), new in this PR',
    );
  });

  it('names compression for a *Sync zlib call', () => {
    const gzip = profiledFunction(
      {
        name: 'gzipSync',
        file: 'node:zlib',
        line: 880,
        calledFrom: { name: 'handler', file: 'routes/orders.js', line: 12 },
      },
      0.1,
      2.1,
    );
    const [advice] = advise(routeProfile([HANDLER, gzip]));
    expect(advice!.title).toBe('Synchronous compression in handler (routes/orders.js:12)');
  });

  it('stays quiet when the time did not grow, or grew within the rounds’ spread', () => {
    expect(rules(routeProfile([{ ...PBKDF2, total: pair(3.6, 3.6) }]))).toEqual([]);
    expect(
      rules(
        routeProfile([{ ...PBKDF2, presence: undefined, separated: false, total: pair(3, 3.6) }]),
      ),
    ).toEqual([]);
  });
});

describe('sync fs in a handler', () => {
  const read = profiledFunction(
    {
      name: 'readFileSync',
      file: 'node:fs',
      line: 440,
      calledFrom: { name: 'handler', file: 'routes/orders.js', line: 12 },
    },
    0.05,
    0.9,
  );
  it('cites the call and the handler, for servers', () => {
    const [advice] = advise(routeProfile([HANDLER, read]));
    expect(advice).toMatchObject({
      rule: 'sync-fs-in-handler',
      title: 'Synchronous file system call readFileSync in handler (routes/orders.js:12)',
    });
  });
  it('is not said of a command, where reading files synchronously is fine', () => {
    expect(rules(routeProfile([read], { per: 'run', target: undefined }))).toEqual([]);
  });
});

describe('JSON grown', () => {
  it('cites a project function whose hottest line stringifies', () => {
    const list = profiledFunction(
      {
        name: 'listOrders',
        file: 'routes/orders.js',
        line: 30,
        own: true,
        hotLine: { line: 34, text: 'res.end(JSON.stringify(orders));' },
      },
      0.4,
      2.4,
    );
    const [advice] = advise(routeProfile([list]));
    expect(advice).toMatchObject({
      rule: 'json-grown',
      title: 'More JSON serialisation per request in listOrders (routes/orders.js:30)',
    });
    expect(advice!.fix).toMatch(/Paginate, select fewer fields/);
  });
});

describe('regular expression time', () => {
  it('cites the pattern’s node and the function that ran it', () => {
    const regex = profiledFunction(
      {
        name: 'RegExp: ^(a+)+$',
        file: '',
        line: 0,
        calledFrom: { name: 'validate', file: 'lib/check.js', line: 4 },
      },
      0.01,
      1.5,
    );
    const [advice] = advise(routeProfile([regex]));
    expect(advice).toMatchObject({
      rule: 'regex-backtracking',
      title: 'Regular expression time grew in validate (lib/check.js:4)',
    });
    expect(advice!.evidence[0]).toMatch(
      /^api GET \/login: RegExp: \^\(a\+\)\+\$ \(native code\) \+1\.49 ms\/request/,
    );
    expect(advice!.fix).toMatch(/anchor the pattern, bound its repetition/);
  });
});

describe('GC share up', () => {
  it('says allocation in a hot loop, citing the project function that grew most', () => {
    const [advice] = advise(routeProfile([HANDLER], { busy: pair(1, 3), gc: pair(0.05, 0.9) }));
    expect(advice).toMatchObject({
      rule: 'gc-pressure',
      title: 'More garbage collection: allocation in handler (routes/orders.js:12)?',
    });
    expect(advice!.evidence[0]).toBe(
      'api GET /login: garbage collection +0.850 ms/request (0.050 → 0.900), 5% → 30% of the CPU time',
    );
  });
  it('not when GC grew only with everything else', () => {
    expect(rules(routeProfile([], { busy: pair(1, 2), gc: pair(0.1, 0.2) }))).toEqual([]);
  });
});

describe('N+1 queries', () => {
  const query = (base: number, head: number): ProfileFunction =>
    profiledFunction(
      {
        name: 'query',
        file: 'node_modules/pg/lib/client.js',
        line: 500,
        package: 'pg',
        calledFrom: { name: 'loadItems', file: 'routes/orders.js', line: 40 },
      },
      base,
      head,
    );
  it('a driver’s query function taking 1.5× the time per request: batch it', () => {
    const [advice] = advise(routeProfile([query(0.2, 1)]));
    expect(advice).toMatchObject({
      rule: 'n-plus-one-query',
      title: 'More database driver time per request in loadItems (routes/orders.js:40)',
    });
    expect(advice!.fix).toMatch(/Batch the look-ups/);
  });
  it('not for a driver that grew a little', () => {
    expect(rules(routeProfile([query(1, 1.2)]))).toEqual([]);
  });
});

describe('logging in the hot path', () => {
  it('a logger package’s time grew', () => {
    const log = profiledFunction(
      {
        name: 'write',
        file: 'node_modules/pino/lib/proto.js',
        line: 200,
        package: 'pino',
        calledFrom: { name: 'handler', file: 'routes/orders.js', line: 12 },
      },
      0.1,
      0.8,
    );
    expect(advise(routeProfile([log]))[0]).toMatchObject({
      rule: 'logging-in-hot-path',
      title: 'Logging or object formatting grew in handler (routes/orders.js:12)',
    });
  });
  it('console.log formatting (util.inspect) grew', () => {
    const inspect = profiledFunction(
      { name: 'formatValue', file: 'node:internal/util/inspect', line: 800 },
      0,
      0.5,
    );
    expect(rules(routeProfile([inspect]))).toEqual(['logging-in-hot-path']);
  });
});

describe('a new dependency at the top', () => {
  it('a package that did not run at base among the top five', () => {
    const parse = profiledFunction(
      {
        name: 'parse',
        file: 'node_modules/yaml/dist/index.js',
        line: 10,
        package: 'yaml',
        share: 0.5,
      },
      0,
      2,
    );
    const [advice] = advise(routeProfile([parse, HANDLER]));
    expect(advice).toMatchObject({
      rule: 'new-dependency-at-top',
      title: 'A new dependency at the top of the profile: yaml',
    });
  });
  it('not a package that already ran at base', () => {
    const parse = profiledFunction(
      { name: 'parse', file: 'node_modules/yaml/dist/index.js', line: 10, package: 'yaml' },
      0,
      2,
    );
    const old = profiledFunction(
      { name: 'stringify', file: 'node_modules/yaml/dist/index.js', line: 90, package: 'yaml' },
      1,
      1,
    );
    expect(rules(routeProfile([parse, HANDLER, old]))).toEqual([]);
  });
});
