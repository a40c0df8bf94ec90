// The floor for scim-proxy's own stack: an Express 5 app with one route that reads the body whole
// and forwards it with http-proxy-3's `buffer` option, reading MAS's answer whole before sending
// it, as scim-proxy does, and nothing else (no rules, audit, metrics or checks). What scim-proxy
// costs beyond this is its own work; what this costs beyond the pass-through is Express and reading
// whole.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express from 'express';
import { createProxyServer } from 'http-proxy-3';
import { serveParent } from '../child.ts';

const target = process.argv[2] ?? '';
const proxy = createProxyServer({
  target,
  agent: new http.Agent({ keepAlive: true }),
  xfwd: false,
  selfHandleResponse: true,
});
proxy.on('proxyRes', (upstream, _req, res) => {
  const chunks: Buffer[] = [];
  upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstream.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && name !== 'connection' && name !== 'transfer-encoding') headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(upstream.statusCode ?? 502, headers).end(body);
  });
});

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  if (body.length > 0) req.headers['content-length'] = String(body.length);
  proxy.web(req, res, { buffer: Readable.from(body.length > 0 ? [body] : []) }, () => {
    if (!res.headersSent) res.writeHead(502).end();
  });
});
const server = http.createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  serveParent({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
