// What admins do to a user's conferencing: reset or choose the conference ID, reset the PIN,
// send the conference details.
import { Router, type Request, type Response } from 'express';
import { parse, uuidParam } from '../../http/validate.js';
import { changeConferenceId } from '../../commands/change-conference-id.js';
import { resetLeaderPin } from '../../commands/reset-leader-pin.js';
import { sendConferenceInfo } from '../../commands/send-conference-info.js';
import type { Services } from '../../services.js';
import { principalOf, tenantInReach } from '../access.js';
import { resetConferenceIdBody, resetLeaderPinBody, sendConferenceInfoBody, setConferenceIdBody } from '../schemas.js';

const target = (req: Request, res: Response) => ({ tenantId: tenantInReach(req, res), userId: uuidParam(req.params.userId, 'user') });

export function userActionRoutes(s: Services): Router {
  const r = Router();
  const base = '/tenants/:tenantId/users/:userId';

  r.post(`${base}/conference-id/reset`, async (req, res) => {
    const t = target(req, res);
    const body = parse(resetConferenceIdBody, req.body);
    res.json(await changeConferenceId(s, principalOf(res), { ...t, sendEmail: body.sendEmail }));
  });

  r.put(`${base}/conference-id`, async (req, res) => {
    const t = target(req, res);
    const body = parse(setConferenceIdBody, req.body);
    res.json(await changeConferenceId(s, principalOf(res), { ...t, ...body }));
  });

  r.post(`${base}/leader-pin/reset`, async (req, res) => {
    const t = target(req, res);
    const body = parse(resetLeaderPinBody, req.body);
    res.json(await resetLeaderPin(s, principalOf(res), { ...t, sendEmail: body.sendEmail }));
  });

  r.post(`${base}/conference-info/send`, async (req, res) => {
    const t = target(req, res);
    const body = parse(sendConferenceInfoBody, req.body);
    await sendConferenceInfo(s, principalOf(res), { ...t, toAddress: body.toAddress });
    res.status(202).json({ emailQueued: true });
  });
  return r;
}
