// The limit for this stack: http-proxy-3 alone, no Express, no body reading, no rules. scim-proxy
// is measured against this, so its ratio shows what its own work costs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyServer } from 'http-proxy-3';
import { serveParent } from '../child.ts';

const target = process.argv[2] ?? '';
const proxy = createProxyServer({ target, agent: new http.Agent({ keepAlive: true }), xfwd: false });
const server = http.createServer((req, res) =>
  proxy.web(req, res, {}, () => {
    res.writeHead(502).end();
  }),
);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  serveParent({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
