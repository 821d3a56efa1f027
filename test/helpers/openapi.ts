/**
 * Checks requests and responses against `openapi.yaml`, the service contract. The
 * sandbox's contract tests run every answer through `expectMatchesSpec`, so a status,
 * header, content type or body the spec does not describe fails the test.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/** Where the spec lives, and the `$id` it is registered under in Ajv. */
export const SPEC_PATH = new URL('../../openapi.yaml', import.meta.url);
const SPEC_ID = 'openapi.yaml';

/** The methods an OpenAPI path item may describe. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, unknown>;

/** An HTTP exchange as the tests see it. */
export interface SpecResponse {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The parsed `openapi.yaml` (parsed once). */
export const spec: Json = parse(readFileSync(SPEC_PATH, 'utf8')) as Json;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The escaped JSON-pointer segment for a key (RFC 6901). */
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The value at a JSON pointer (`/components/schemas/X`) in the spec, or undefined. */
export function resolvePointer(pointer: string): unknown {
  let node: unknown = spec;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** Follows `$ref`s (local ones only) to the object they point at, with its pointer. */
function deref(node: unknown, pointer: string): { node: Json; pointer: string } | undefined {
  let current = node;
  let at = pointer;
  for (let hops = 0; hops < 10 && isObject(current); hops += 1) {
    const ref = current.$ref;
    if (typeof ref !== 'string') return { node: current, pointer: at };
    if (!ref.startsWith('#/')) return undefined;
    at = ref.slice(1);
    current = resolvePointer(at);
  }
  return undefined;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The Ajv instance holding the whole spec as one schema document. */
export const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
// Email syntax as the service accepts it: Unicode local parts and IDN domains included.
ajv.addFormat('email', /^[^\s@"(),:;<>[\]\\]{1,64}@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/u);
// The parts of an OpenAPI document that are not JSON Schema keywords.
ajv.addVocabulary([
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'paths',
  'webhooks',
  'components',
  'security',
  'tags',
  'externalDocs',
]);
ajv.addSchema({ ...spec, $id: SPEC_ID });

const validators = new Map<string, ValidateFunction>();

/** A validator for the schema at a JSON pointer in the spec (compiled once). */
export function validatorAt(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    const fragment = pointer.split('/').map(encodeURIComponent).join('/');
    validate = ajv.compile({ $ref: `${SPEC_ID}#${fragment}` });
    validators.set(pointer, validate);
  }
  return validate;
}

/** A validator for `#/components/schemas/<name>`. */
export function schemaValidator(name: string): ValidateFunction {
  return validatorAt(`/components/schemas/${escape(name)}`);
}

/** Ajv errors as readable lines: `/userEmails/3 must match format "email"`. */
export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const extra =
        e.keyword === 'additionalProperties'
          ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
          : e.keyword === 'enum'
            ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
            : '';
      return `  ${e.instancePath || '(root)'} ${e.message ?? e.keyword}${extra}`;
    })
    .join('\n');
}

/** The path of a URL or path, without query string or fragment. */
function pathOf(url: string): string {
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).pathname : url;
  return path.split(/[?#]/)[0] ?? '/';
}

interface Operation {
  /** `POST /account-requests/{id}/submit` */
  name: string;
  pointer: string;
  node: Json;
}

const templates = Object.keys(isObject(spec.paths) ? spec.paths : {}).map((template) => {
  const source = template
    .split('/')
    .map((segment) =>
      /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return { template, pattern: new RegExp(`^(.*?)${source}$`) };
});

/**
 * The operation for a method and URL: the path template that matches the URL's path
 * after the shortest base path (an exact match wins over one behind a base path).
 */
export function findOperation(method: string, url: string): Operation {
  const path = pathOf(url);
  const candidates = templates
    .map(({ template, pattern }) => ({ template, base: pattern.exec(path)?.[1] }))
    .filter((c): c is { template: string; base: string } => c.base !== undefined)
    .filter((c) => c.base === '' || c.base.startsWith('/'))
    .sort((a, b) => a.base.length - b.base.length);
  const best = candidates[0];
  if (!best) throw new Error(`openapi.yaml describes no path for ${method} ${path}`);
  const lower = method.toLowerCase();
  const pointer = `/paths/${escape(best.template)}/${lower}`;
  const node = resolvePointer(pointer);
  if (!isObject(node)) {
    throw new Error(
      `openapi.yaml describes no operation ${method.toUpperCase()} ${best.template} (for ${path})`,
    );
  }
  return { name: `${method.toUpperCase()} ${best.template}`, pointer, node };
}

const headerValue = (headers: SpecResponse['headers'], name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return undefined;
};

/** The media type without parameters, lower case (`application/json`). */
const mediaType = (value: string | undefined) =>
  (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** A header value as the type its schema wants (headers are strings on the wire). */
function coerceHeader(value: string, schema: Json): unknown {
  const type = schema.type;
  if ((type === 'integer' || type === 'number') && value.trim() !== '') return Number(value);
  return value;
}

/**
 * Throws unless the response is one the spec describes for this operation: status (or
 * `default`), required headers (`x-request-id` everywhere), content type and body.
 */
export function expectMatchesSpec(res: SpecResponse): void {
  const op = findOperation(res.method, res.url);
  const where = `${op.name} → ${res.status}`;
  const responses = isObject(op.node.responses) ? op.node.responses : {};
  const key = String(res.status) in responses ? String(res.status) : 'default';
  const response = deref(responses[key], `${op.pointer}/responses/${key}`);
  if (!response) {
    throw new Error(
      `${where}: openapi.yaml does not describe status ${res.status} for ${op.name}` +
        ` (described: ${Object.keys(responses).join(', ')}); body: ${JSON.stringify(res.body)}`,
    );
  }

  const headers = isObject(response.node.headers) ? response.node.headers : {};
  for (const [name, raw] of Object.entries(headers)) {
    const header = deref(raw, `${response.pointer}/headers/${escape(name)}`);
    if (!header) throw new Error(`${where}: header ${name} has an unresolvable $ref`);
    const value = headerValue(res.headers, name);
    if (value === undefined) {
      if (header.node.required === true) throw new Error(`${where}: header ${name} is missing`);
      continue;
    }
    if (!isObject(header.node.schema)) continue;
    const validate = validatorAt(`${header.pointer}/schema`);
    if (!validate(coerceHeader(value, header.node.schema))) {
      throw new Error(
        `${where}: header ${name}: ${JSON.stringify(value)} does not match the spec:\n` +
          formatErrors(validate.errors),
      );
    }
  }

  const content = isObject(response.node.content) ? response.node.content : undefined;
  const empty = res.body === undefined || res.body === '';
  if (!content) {
    if (!empty) {
      throw new Error(`${where}: the spec describes no body, got ${JSON.stringify(res.body)}`);
    }
    return;
  }
  const type = mediaType(headerValue(res.headers, 'content-type'));
  const media = content[type];
  if (!isObject(media)) {
    throw new Error(
      `${where}: content type ${type || '(none)'} is not described` +
        ` (described: ${Object.keys(content).join(', ')})`,
    );
  }
  if (!('schema' in media)) return;
  const validate = validatorAt(`${response.pointer}/content/${escape(type)}/schema`);
  if (!validate(res.body)) {
    throw new Error(
      `${where}: the ${type} body does not match the spec:\n${formatErrors(validate.errors)}\n` +
        `body: ${JSON.stringify(res.body)}`,
    );
  }
}

/** Throws unless `body` is a request body the spec accepts for this operation. */
export function expectRequestMatchesSpec(
  method: string,
  url: string,
  body: unknown,
  contentType = 'application/json',
): void {
  const op = findOperation(method, url);
  const requestBody = deref(op.node.requestBody, `${op.pointer}/requestBody`);
  if (!requestBody) {
    if (body === undefined) return;
    throw new Error(`${op.name}: the spec describes no request body`);
  }
  if (body === undefined) {
    if (requestBody.node.required === true) throw new Error(`${op.name}: a body is required`);
    return;
  }
  const content = isObject(requestBody.node.content) ? requestBody.node.content : {};
  const type = mediaType(contentType);
  if (!isObject(content[type])) {
    throw new Error(
      `${op.name}: request content type ${type} is not described` +
        ` (described: ${Object.keys(content).join(', ')})`,
    );
  }
  const validate = validatorAt(`${requestBody.pointer}/content/${escape(type)}/schema`);
  if (!validate(body)) {
    throw new Error(
      `${op.name}: the request body does not match the spec:\n${formatErrors(validate.errors)}`,
    );
  }
}
