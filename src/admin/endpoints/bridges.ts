// /api/v1/bridges (platform keys): a bridge is a set of dial-in numbers.
import { createBridge } from '../../commands/create-bridge.js';
import { updateBridgeSettings } from '../../commands/update-bridge.js';
import { notFound } from '../../errors.js';
import { findBridge, listBridges } from '../../store/bridges.js';
import { endpoint, reply } from '../endpoint.js';
import { page, Bridge } from '../openapi/shapes.js';
import { decodeNameCursor, namePage, presentBridge } from '../present.js';
import { createBridgeBody, listBridgesQuery, patchBridgeBody } from '../schemas.js';

export const bridgeEndpoints = [
  endpoint({
    method: 'post', path: '/bridges', access: 'platform', tag: 'Bridges', summary: 'Create a bridge',
    description: 'A bridge is a set of dial-in numbers; a conference ID is unique among the active IDs of one bridge.',
    body: createBridgeBody, responses: { 201: { description: 'Created', schema: 'Bridge' } },
    example: () => ({ body: { name: 'Europe' } }),
    handle: async ({ s, principal, body }) => reply(201, presentBridge(await createBridge(s, principal, body))),
  }),
  endpoint({
    method: 'get', path: '/bridges', access: 'platform', tag: 'Bridges', summary: 'List and search bridges',
    description: 'Sorted by name (ignoring case), then id. `q` keeps the bridges whose name contains it, ignoring case. '
      + 'Pass `nextCursor` back as `cursor`, with the same `q`, for the next page.',
    query: listBridgesQuery, responses: { 200: { description: 'A page of bridges', schema: page(Bridge) } },
    example: () => ({ query: 'limit=20' }),
    handle: async ({ s, query: q }) => {
      const rows = await listBridges(s.db, { q: q.q, after: decodeNameCursor(q.cursor), limit: q.limit + 1 });
      return reply(200, namePage(rows, q.limit, presentBridge));
    },
  }),
  endpoint({
    method: 'get', path: '/bridges/:bridgeId', access: 'platform', tag: 'Bridges', summary: 'Read a bridge',
    responses: { 200: { description: 'The bridge', schema: 'Bridge' } },
    handle: async ({ s, params }) => {
      const bridge = await findBridge(s.db, params.bridgeId!);
      if (!bridge) throw notFound('bridge');
      return reply(200, presentBridge(bridge));
    },
  }),
  endpoint({
    method: 'patch', path: '/bridges/:bridgeId', access: 'platform', tag: 'Bridges', summary: 'Rename a bridge or set its default numbers',
    description: 'Default numbers must already be on the bridge, of the matching type; `null` clears a default.',
    body: patchBridgeBody, responses: { 200: { description: 'The bridge', schema: 'Bridge' } },
    example: (x) => ({ body: { defaultTollNumber: x.number } }),
    handle: async ({ s, principal, params, body }) => reply(200, presentBridge(await updateBridgeSettings(s, principal, params.bridgeId!, body))),
  }),
];
