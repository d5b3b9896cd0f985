// The units of a default-number move (commands/request-default-number-move.ts): one user each.
import { moveUserDefaultNumber } from '../commands/move-user-default-number.js';
import type { UnitKind } from './runner.js';

export const defaultNumberMoveUnits: UnitKind<undefined> = {
  async run(_s, tx, job, userId) {
    await moveUserDefaultNumber(tx, job, userId);
  },
};
