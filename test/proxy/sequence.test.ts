import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { sequence } from '../../src/http/sequence.ts';

/** An app whose only route is `steps` in sequence; the answer names each step that ran and any error. */
async function serve(steps: RequestHandler[]): Promise<{ get: () => Promise<string>; close: () => void }> {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.ran = [];
    next();
  });
  app.use(sequence(steps));
  app.use((_req, res) => {
    res.send(`${res.locals.ran.join(',')};fell through`);
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    res.status(500).send(`${res.locals.ran.join(',')};${(error as Error).message}`);
  };
  app.use(onError);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    get: () => fetch(`http://127.0.0.1:${port}/`).then((res) => res.text()),
    close: () => server.close(),
  };
}

const step =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.ran.push(name);
    next();
  };

test('steps run in order and the request goes on past the last one', async () => {
  const app = await serve([step('a'), step('b'), step('c')]);
  assert.equal(await app.get(), 'a,b,c;fell through');
  app.close();
});

test('a step that answers ends the sequence', async () => {
  const answer: RequestHandler = (_req, res) => {
    res.send('answered');
  };
  const app = await serve([step('a'), answer, step('never')]);
  assert.equal(await app.get(), 'answered');
  app.close();
});

test('an error passed to next, thrown, or rejected skips the remaining steps and reaches the error handler', async () => {
  const passed: RequestHandler = (_req, _res, next) => next(new Error('passed'));
  const thrown: RequestHandler = () => {
    throw new Error('thrown');
  };
  const rejected: RequestHandler = async () => {
    await Promise.resolve();
    throw new Error('rejected');
  };
  for (const [failing, message] of [
    [passed, 'passed'],
    [thrown, 'thrown'],
    [rejected, 'rejected'],
  ] as const) {
    const app = await serve([step('a'), failing, step('never')]);
    assert.equal(await app.get(), `a;${message}`);
    app.close();
  }
});

test('a step that calls next twice does not run the rest twice', async () => {
  const twice: RequestHandler = (_req, res, next) => {
    res.locals.ran.push('twice');
    next();
    next();
  };
  const app = await serve([twice, step('b')]);
  assert.equal(await app.get(), 'twice,b;fell through');
  app.close();
});
