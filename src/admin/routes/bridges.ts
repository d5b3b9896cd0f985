// /api/v1/bridges (platform keys only)
import { Router } from 'express';
import { notFound } from '../../errors.js';
import { parse, uuidParam } from '../../http/validate.js';
import { createBridge, patchBridge } from '../../commands/create-bridge.js';
import type { Services } from '../../services.js';
import { findBridge } from '../../store/bridges.js';
import { platformOnly, principalOf } from '../access.js';
import { presentBridge } from '../present.js';
import { createBridgeBody, patchBridgeBody } from '../schemas.js';

export function bridgeRoutes(s: Services): Router {
  const r = Router();
  r.use('/bridges', platformOnly);

  r.post('/bridges', async (req, res) => {
    const body = parse(createBridgeBody, req.body);
    res.status(201).json(presentBridge(await createBridge(s, principalOf(res), body)));
  });

  r.get('/bridges/:bridgeId', async (req, res) => {
    const bridge = await findBridge(s.db, uuidParam(req.params.bridgeId, 'bridge'));
    if (!bridge) throw notFound('bridge');
    res.json(presentBridge(bridge));
  });

  r.patch('/bridges/:bridgeId', async (req, res) => {
    const id = uuidParam(req.params.bridgeId, 'bridge');
    const body = parse(patchBridgeBody, req.body);
    res.json(presentBridge(await patchBridge(s, principalOf(res), id, body)));
  });
  return r;
}
