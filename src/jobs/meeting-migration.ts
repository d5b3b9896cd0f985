// The units of a meeting-migration job: one meeting each (see commands/enqueue-meeting-migration.ts).
import { refreshMeeting } from '../commands/refresh-meeting.js';
import type { UnitKind } from './runner.js';

export const meetingMigrationUnits: UnitKind<undefined> = {
  async run(_s, tx, _job, meetingId) {
    await refreshMeeting(tx, meetingId);
  },
};
