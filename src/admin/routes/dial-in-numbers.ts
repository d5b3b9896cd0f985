// /api/v1/dial-in-numbers (platform keys only)
import { Router } from 'express';
import { notFound } from '../../errors.js';
import { parse } from '../../http/validate.js';
import { putNumber, removeNumber } from '../../commands/put-dial-in-number.js';
import { syncNumberWithTwilio } from '../../commands/sync-number-to-twilio.js';
import type { Services } from '../../services.js';
import { findNumber, listNumbers } from '../../store/numbers.js';
import { platformOnly, principalOf } from '../access.js';
import { presentNumber } from '../present.js';
import { e164, emptyBody, listNumbersQuery, putNumberBody } from '../schemas.js';

export function dialInNumberRoutes(s: Services): Router {
  const r = Router();
  r.use('/dial-in-numbers', platformOnly);

  r.put('/dial-in-numbers/:number', async (req, res) => {
    const number = parse(e164, req.params.number, 'number');
    const body = parse(putNumberBody, req.body);
    const { row, created } = await putNumber(s, principalOf(res), number, {
      ...body, city: body.city ?? null, country: body.country ?? null,
    });
    res.status(created ? 201 : 200).json(presentNumber(row));
  });

  r.get('/dial-in-numbers', async (req, res) => {
    const { bridgeId } = parse(listNumbersQuery, req.query);
    res.json({ items: (await listNumbers(s.db, bridgeId)).map(presentNumber) });
  });

  // Not in the contract's table: lets scripts compare before they PUT (see the CLI).
  r.get('/dial-in-numbers/:number', async (req, res) => {
    const row = await findNumber(s.db, parse(e164, req.params.number, 'number'));
    if (!row) throw notFound('dial-in number');
    res.json(presentNumber(row));
  });

  r.delete('/dial-in-numbers/:number', async (req, res) => {
    await removeNumber(s, principalOf(res), parse(e164, req.params.number, 'number'));
    res.status(204).end();
  });

  r.post('/dial-in-numbers/:number/twilio-sync', async (req, res) => {
    const number = parse(e164, req.params.number, 'number');
    parse(emptyBody, req.body);
    res.json(await syncNumberWithTwilio(s, principalOf(res), number));
  });
  return r;
}
