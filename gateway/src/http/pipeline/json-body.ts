/**
 * The JSON body parser of writes: size limit, JSON types only, and refusal of keys that could pollute
 * prototypes, that an object repeats (two parsers could read a repeated key differently), or of nesting
 * deeper than `MAX_JSON_DEPTH` (checked on the text, before parsing: a deeper value would overflow the
 * stack of every step that walks it, from the idempotency hash to the chaincode).
 */
import { MAX_JSON_DEPTH } from '@medledger/domain';
import express, { type RequestHandler } from 'express';

import { findJsonTextProblem } from '../json-text';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Marks a JSON body whose keys could pollute prototypes. */
export class ForbiddenKeyError extends Error {}
/** Marks a JSON body that repeats a key in one object. */
export class DuplicateKeyError extends Error {}
/** Marks a JSON body nested deeper than {@link MAX_JSON_DEPTH}. */
export class TooDeepError extends Error {}

/** The parser, bounded to `limitBytes`. */
export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    reviver: (key: string, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError('forbidden key');
      return value;
    },
    verify: (_req, _res, buf) => {
      const problem = findJsonTextProblem(buf.toString('utf8'), MAX_JSON_DEPTH);
      if (problem?.kind === 'duplicate-key') throw new DuplicateKeyError('duplicate key');
      if (problem?.kind === 'too-deep') throw new TooDeepError('too deep');
    },
  });
}
