/**
 * The JSON body parser of writes: size limit, JSON types only, and refusal of keys that could pollute
 * prototypes or that an object repeats (two parsers could read a repeated key differently).
 */
import express, { type RequestHandler } from 'express';

import { findDuplicateKey } from '../duplicate-keys';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Marks a JSON body whose keys could pollute prototypes. */
export class ForbiddenKeyError extends Error {}
/** Marks a JSON body that repeats a key in one object. */
export class DuplicateKeyError extends Error {}

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
      if (findDuplicateKey(buf.toString('utf8')) !== undefined) throw new DuplicateKeyError('duplicate key');
    },
  });
}
