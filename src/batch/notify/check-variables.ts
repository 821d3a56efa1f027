/**
 * Static check of a template against its context schema: every variable a template
 * references must exist in the schema, in `#each`/`#with` scopes too. Strict-mode
 * rendering alone misses variables used only as helper arguments or in a branch the
 * sample does not take; this walk sees them all.
 *
 * (`hbs.AST` is the global namespace declared by handlebars' own types.)
 */
import { z } from 'zod';
import { HELPER_NAMES } from './helpers.js';

type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;

/** A context's shape, as far as variable lookups care. */
type Shape =
  | { kind: 'object'; fields: ReadonlyMap<string, Shape> }
  | { kind: 'array'; element: Shape }
  | { kind: 'value' }
  | { kind: 'any' };

const ANY: Shape = { kind: 'any' };
const VALUE: Shape = { kind: 'value' };

/** Converts a zod schema to the {@link Shape} variable lookups walk. */
export function shapeOf(schema: z.ZodType): Shape {
  if (schema instanceof z.ZodObject) {
    const fields = new Map<string, Shape>();
    for (const [key, value] of Object.entries(schema.shape))
      fields.set(key, shapeOf(value as z.ZodType));
    return { kind: 'object', fields };
  }
  if (schema instanceof z.ZodArray)
    return { kind: 'array', element: shapeOf(schema.element as z.ZodType) };
  const inner = (schema.def as { innerType?: z.ZodType }).innerType;
  if (inner !== undefined) return shapeOf(inner); // optional, nullable, default, readonly …
  if (schema instanceof z.ZodRecord || schema instanceof z.ZodUnknown || schema instanceof z.ZodAny)
    return ANY;
  return VALUE;
}

/** Extends an object shape with hash keys (a partial's context is its caller's plus its hash). */
function withKeys(shape: Shape, keys: readonly string[]): Shape {
  if (keys.length === 0 || shape.kind !== 'object') return shape;
  const fields = new Map(shape.fields);
  for (const key of keys) fields.set(key, ANY);
  return { kind: 'object', fields };
}

function lookup(shape: Shape, parts: readonly string[]): { shape: Shape } | { missing: number } {
  let current = shape;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (current.kind === 'any') return { shape: ANY };
    if (current.kind === 'object') {
      const next = current.fields.get(part);
      if (next === undefined) return { missing: i };
      current = next;
    } else if (current.kind === 'array') {
      if (part === 'length') current = VALUE;
      else if (/^\d+$/.test(part)) current = current.element;
      else return { missing: i };
    } else if (part === 'length') {
      current = VALUE; // strings have a length
    } else {
      return { missing: i };
    }
  }
  return { shape: current };
}

/** One reference to a variable the context does not provide. */
export interface MissingVariable {
  /** As written in the template, e.g. `accountNmae` or `../senderName`. */
  variable: string;
  line: number;
}

/**
 * Lists the variables `program` references that `schema` does not provide.
 * `partials` are checked where they are used, in the caller's scope.
 */
export function findMissingVariables(
  program: hbs.AST.Program,
  schema: z.ZodType,
  partials: ReadonlyMap<string, hbs.AST.Program> = new Map(),
): MissingVariable[] {
  const missing: MissingVariable[] = [];
  const seenPartials = new Set<string>();

  const path = (
    node: hbs.AST.PathExpression,
    scopes: readonly Shape[],
    blockParams: ReadonlyMap<string, Shape>,
  ): Shape => {
    const line = node.loc?.start.line ?? 0;
    if (node.data) {
      if (node.parts[0] !== 'root') return ANY; // @index, @key, @first, @last
      const result = lookup(scopes[0] ?? ANY, node.parts.slice(1));
      if ('missing' in result) missing.push({ variable: node.original, line });
      return 'shape' in result ? result.shape : ANY;
    }
    const first = node.parts[0];
    if (node.depth === 0 && first !== undefined && blockParams.has(first)) {
      const result = lookup(blockParams.get(first) ?? ANY, node.parts.slice(1));
      if ('missing' in result) missing.push({ variable: node.original, line });
      return 'shape' in result ? result.shape : ANY;
    }
    const scope = scopes[scopes.length - 1 - node.depth];
    if (scope === undefined) {
      missing.push({ variable: node.original, line });
      return ANY;
    }
    const result = lookup(scope, node.parts);
    if ('missing' in result) {
      missing.push({ variable: node.original, line });
      return ANY;
    }
    return result.shape;
  };

  const expression = (
    node: Expression,
    scopes: readonly Shape[],
    params: ReadonlyMap<string, Shape>,
  ): Shape => {
    if (node.type === 'PathExpression') return path(node as hbs.AST.PathExpression, scopes, params);
    if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      helperCall(sub.path, sub.params, sub.hash, scopes, params);
      return ANY;
    }
    return VALUE; // literals
  };

  const helperCall = (
    callee: hbs.AST.PathExpression,
    params: readonly Expression[],
    hash: hbs.AST.Hash | undefined,
    scopes: readonly Shape[],
    blockParams: ReadonlyMap<string, Shape>,
  ): Shape[] => {
    if (!HELPER_NAMES.has(callee.original))
      missing.push({ variable: callee.original, line: callee.loc?.start.line ?? 0 });
    for (const pair of hash?.pairs ?? []) expression(pair.value, scopes, blockParams);
    return params.map((p) => expression(p, scopes, blockParams));
  };

  const walk = (
    program: hbs.AST.Program | undefined,
    scopes: readonly Shape[],
    params: ReadonlyMap<string, Shape>,
  ): void => {
    for (const node of program?.body ?? []) statement(node, scopes, params);
  };

  const statement = (
    node: Node,
    scopes: readonly Shape[],
    params: ReadonlyMap<string, Shape>,
  ): void => {
    switch (node.type) {
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (m.path.type !== 'PathExpression') return;
        const callee = m.path as hbs.AST.PathExpression;
        if (m.params.length > 0 || m.hash?.pairs.length)
          helperCall(callee, m.params, m.hash, scopes, params);
        else if (!(callee.parts.length === 1 && !callee.data && HELPER_NAMES.has(callee.original)))
          path(callee, scopes, params);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const helper = b.path.original;
        const [argShape] = HELPER_NAMES.has(helper)
          ? helperCall(b.path, b.params, b.hash, scopes, params)
          : [path(b.path, scopes, params)];
        const names = b.program?.blockParams ?? [];
        if (helper === 'each') {
          const element = argShape?.kind === 'array' ? argShape.element : ANY;
          const inner = new Map(params);
          if (names[0] !== undefined) inner.set(names[0], element);
          if (names[1] !== undefined) inner.set(names[1], VALUE);
          walk(b.program, [...scopes, element], inner);
        } else if (helper === 'with') {
          const inner = new Map(params);
          if (names[0] !== undefined) inner.set(names[0], argShape ?? ANY);
          walk(b.program, names[0] === undefined ? [...scopes, argShape ?? ANY] : scopes, inner);
        } else {
          walk(b.program, scopes, params);
        }
        walk(b.inverse, scopes, params);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = node as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
        for (const pair of p.hash?.pairs ?? []) expression(pair.value, scopes, params);
        const keys = (p.hash?.pairs ?? []).map((pair) => pair.key);
        const top = withKeys(scopes[scopes.length - 1] ?? ANY, keys);
        const inner = [...scopes.slice(0, -1), top];
        const name =
          p.name.type === 'PathExpression' ? (p.name as hbs.AST.PathExpression).original : '';
        const partial = partials.get(name);
        if (partial !== undefined && !seenPartials.has(name)) {
          seenPartials.add(name);
          walk(partial, inner, params);
          seenPartials.delete(name);
        }
        if (p.type === 'PartialBlockStatement')
          walk((p as hbs.AST.PartialBlockStatement).program, scopes, params);
        return;
      }
      default:
        return; // content, comments, decorators
    }
  };

  walk(program, [shapeOf(schema)], new Map());
  return missing;
}
