// node:http as require() gives it. Imported as an ES module, Node reads every export to build the
// module's namespace, and three of them (WebSocket, CloseEvent, MessageEvent) are getters that load
// undici, fetch's HTTP client, which the proxy never uses: 2.5 MB of an idle replica's RSS (1.2 MB of
// heap, 1 MB of buffers). Types still come from `import type ... from 'node:http'`, which loads nothing.
import { createRequire } from 'node:module';

export const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
