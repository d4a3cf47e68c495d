// The data worker: one KmapSession (kmap-session.ts) behind comlink. Bulk
// data never leaves this thread; only windows of rows, aggregates and
// summaries do (the contract: src/worker-api.ts).

import * as Comlink from 'comlink';
import { KmapSession } from './kmap-session.ts';

Comlink.expose(new KmapSession());
