// GitHub's published OpenAPI description (npm @octokit/openapi) as a request checker: which
// operation a method and path name, whether its path and query parameters and its JSON body are
// what the operation declares, and whether a response the mock sends has the documented shape.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

// ajv-formats is CommonJS with a `default` property; NodeNext sees the module object.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

const require = createRequire(import.meta.url);
const SPEC_PATH = require.resolve('@octokit/openapi/generated/api.github.com.json');
const DOC_ID = 'api.github.com.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}
interface Operation {
  operationId: string;
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?:
    | { $ref: string }
    | { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { $ref: string } | { content?: Record<string, { schema: Json }> }>;
}
interface Route {
  template: string;
  segments: string[];
  literals: number;
  methods: Map<string, Operation>;
}

export interface MatchedOperation {
  operationId: string;
  template: string;
  pathParams: Record<string, string>;
}

/** Why a request does not match the description; the mock answers it with a 4xx. */
export class SpecViolation extends Error {
  override name = 'SpecViolation';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
    .join('; ');
}

export class OpenApiChecker {
  private readonly doc: {
    paths: Record<string, Record<string, unknown>>;
    components: Record<string, Record<string, Json>>;
  };
  private readonly routes: Route[] = [];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
    // Unknown keywords (`example`, `x-github`) and OpenAPI 3.0's `nullable` are tolerated; the
    // types, required fields, enums and formats are what is checked.
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: rebase(this.doc.components as Json) } as object, DOC_ID);
    for (const [template, item] of Object.entries(this.doc.paths)) {
      const methods = new Map<string, Operation>();
      for (const method of METHODS) {
        const operation = item[method] as Operation | undefined;
        if (operation?.operationId) methods.set(method.toUpperCase(), operation);
      }
      const segments = template.split('/').slice(1);
      const literals = segments.filter((s) => !s.startsWith('{')).length;
      this.routes.push({ template, segments, literals, methods });
    }
    // Most literal segments first, so `/actions/runs/{run_id}/artifacts` beats a template that
    // would read `artifacts` as a parameter.
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  /** The operation for a method and path, with its path parameters checked. */
  match(method: string, pathname: string): MatchedOperation & { operation: Operation } {
    const parts = pathname.split('/').slice(1).map(decodeURIComponent);
    let pathFound = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const fits = route.segments.every((segment, i) => {
        const part = parts[i]!;
        if (segment.startsWith('{')) {
          params[segment.slice(1, -1)] = part;
          return part.length > 0;
        }
        return segment === part;
      });
      if (!fits) continue;
      pathFound = true;
      const operation = route.methods.get(method);
      if (!operation) continue;
      for (const parameter of this.parameters(operation)) {
        if (parameter.in !== 'path') continue;
        this.checkValue(`path parameter ${parameter.name}`, params[parameter.name], parameter);
      }
      return {
        operationId: operation.operationId,
        template: route.template,
        pathParams: params,
        operation,
      };
    }
    if (pathFound) throw new SpecViolation(`${method} is not an operation on ${pathname}`, 404);
    throw new SpecViolation(`no operation in GitHub's REST API matches ${method} ${pathname}`, 404);
  }

  /** Query parameters must be declared by the operation and have the declared type. */
  checkQuery(operation: Operation, query: URLSearchParams): void {
    const declared = new Map(
      this.parameters(operation)
        .filter((p) => p.in === 'query')
        .map((p) => [p.name, p]),
    );
    for (const [name, value] of query) {
      const parameter = declared.get(name);
      if (!parameter) {
        throw new SpecViolation(
          `query parameter "${name}" is not declared by ${operation.operationId} (declared: ${[...declared.keys()].join(', ') || 'none'})`,
          422,
        );
      }
      this.checkValue(`query parameter ${name}`, value, parameter);
    }
    for (const parameter of declared.values()) {
      if (parameter.required && !query.has(parameter.name)) {
        throw new SpecViolation(
          `query parameter "${parameter.name}" is required by ${operation.operationId}`,
          422,
        );
      }
    }
  }

  /** The JSON body against the operation's requestBody schema; no body where none is declared. */
  checkBody(operation: Operation, contentType: string | undefined, raw: string): unknown {
    const requestBody = this.resolve(operation.requestBody);
    if (!requestBody) {
      if (raw.length > 0)
        throw new SpecViolation(`${operation.operationId} takes no request body`, 400);
      return undefined;
    }
    const media = requestBody.content['application/json'];
    if (!media) throw new SpecViolation(`${operation.operationId} takes no JSON body`, 415);
    if (raw.length === 0) {
      if (requestBody.required)
        throw new SpecViolation(`${operation.operationId} requires a JSON body`, 400);
      return undefined;
    }
    if (!/^application\/json\b/i.test(contentType ?? '')) {
      throw new SpecViolation(
        `content-type is "${contentType}"; ${operation.operationId} takes application/json`,
        415,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new SpecViolation('the body is not JSON', 400);
    }
    const validate = this.compile(`${operation.operationId} request`, media.schema);
    if (!validate(body)) {
      throw new SpecViolation(
        `body does not match ${operation.operationId}: ${formatErrors(validate.errors)}`,
        422,
      );
    }
    return body;
  }

  /** Undefined when the response has the documented shape; else why not (a mock bug). */
  checkResponse(operation: Operation, status: number, body: unknown): string | undefined {
    const response = this.resolve(operation.responses[String(status)]);
    if (!response) return `${operation.operationId} documents no ${status} response`;
    const schema = response.content?.['application/json']?.schema;
    if (schema === undefined)
      return body === undefined ? undefined : `${operation.operationId} ${status} has no body`;
    const validate = this.compile(`${operation.operationId} ${status}`, schema);
    return validate(body)
      ? undefined
      : `${operation.operationId} ${status}: ${formatErrors(validate.errors)}`;
  }

  private parameters(operation: Operation): Parameter[] {
    return (operation.parameters ?? []).map((p) => this.resolve(p) as Parameter);
  }

  private checkValue(what: string, value: string | undefined, parameter: Parameter): void {
    if (value === undefined) throw new SpecViolation(`${what} is missing`, 404);
    const schema = (parameter.schema ?? {}) as { type?: string };
    // Query and path values are text; the schema's type says how to read them.
    const typed =
      schema.type === 'integer' || schema.type === 'number'
        ? /^-?\d+(\.\d+)?$/.test(value)
          ? Number(value)
          : value
        : schema.type === 'boolean'
          ? value === 'true'
            ? true
            : value === 'false'
              ? false
              : value
          : value;
    const validate = this.compile(`${what} ${JSON.stringify(schema)}`, parameter.schema ?? {});
    if (!validate(typed)) {
      throw new SpecViolation(
        `${what} is ${JSON.stringify(value)}: ${formatErrors(validate.errors)}`,
        422,
      );
    }
  }

  private resolve<T>(value: T | { $ref: string } | undefined): T | undefined {
    let current: unknown = value;
    while (current && typeof current === 'object' && '$ref' in current) {
      const ref = (current as { $ref: string }).$ref;
      const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(ref) ?? [];
      current = section && name ? this.doc.components[section]?.[name] : undefined;
      if (current === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
    return current as T | undefined;
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** `#/components/…` refs point into the document the validator holds; OpenAPI 3.0's
 *  `nullable: true` admits null into an `enum` too (JSON Schema's enum alone would not), and
 *  into a schema without a `type`. */
function rebase(value: Json): Json {
  if (Array.isArray(value)) return value.map(rebase);
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof item === 'string' && item.startsWith('#/')
          ? `${DOC_ID}${item}`
          : rebase(item);
    }
    if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null))
      out.enum = [...out.enum, null];
    // Ajv reads `nullable` only beside `type`; a nullable `allOf`/`anyOf` (the issue object's
    // `pinned_comment`, say) admits null as an alternative.
    if (out.nullable === true && out.type === undefined) {
      delete out.nullable;
      return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  }
  return value;
}
