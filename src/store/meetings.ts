// Meetings scheduled by users. A meeting keeps what its invitation said (ID, numbers, sequence)
// so that an update can tell attendees what changed.
import type { Sql } from './db.js';

export interface MeetingRow {
  id: string;
  tenant_id: string;
  organizer_id: string;
  subject: string;
  starts_at: Date;
  ends_at: Date | null;
  attendees: string[];
  id_kind: 'organizer' | 'own';
  conference_id: string;
  toll_number: string | null;
  toll_free_number: string | null;
  expires_at: Date | null;
  invitation_sequence: number;
  created_at: Date;
  updated_at: Date;
}

/** A meeting with the city and country of its numbers, as the API shows it. */
export interface MeetingView extends MeetingRow {
  toll_city: string | null;
  toll_country: string | null;
  toll_free_city: string | null;
  toll_free_country: string | null;
}

const COLUMNS = `m.id, m.tenant_id, m.organizer_id, m.subject, m.starts_at, m.ends_at, m.attendees, m.id_kind, m.conference_id,
  m.toll_number, m.toll_free_number, m.expires_at, m.invitation_sequence, m.created_at, m.updated_at`;

const VIEW = `SELECT ${COLUMNS}, nt.city AS toll_city, nt.country AS toll_country, nf.city AS toll_free_city, nf.country AS toll_free_country
  FROM meetings m
  LEFT JOIN dial_in_numbers nt ON nt.number = m.toll_number
  LEFT JOIN dial_in_numbers nf ON nf.number = m.toll_free_number`;

export interface NewMeeting {
  id: string;
  tenantId: string;
  organizerId: string;
  subject: string;
  startsAt: Date;
  endsAt: Date | null;
  attendees: string[];
  idKind: 'organizer' | 'own';
  conferenceId: string;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  expiresAt: Date | null;
}

export async function insertMeeting(sql: Sql, m: NewMeeting): Promise<void> {
  await sql.query(
    `INSERT INTO meetings (id, tenant_id, organizer_id, subject, starts_at, ends_at, attendees, id_kind, conference_id, toll_number, toll_free_number, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [m.id, m.tenantId, m.organizerId, m.subject, m.startsAt, m.endsAt, m.attendees, m.idKind, m.conferenceId, m.tollNumber, m.tollFreeNumber, m.expiresAt],
  );
}

export async function findMeeting(sql: Sql, tenantId: string, organizerId: string, meetingId: string): Promise<MeetingView | null> {
  const { rows } = await sql.query<MeetingView>(`${VIEW} WHERE m.id = $1 AND m.tenant_id = $2 AND m.organizer_id = $3`, [meetingId, tenantId, organizerId]);
  return rows[0] ?? null;
}

export async function findMeetingById(sql: Sql, meetingId: string, { lock = false } = {}): Promise<MeetingRow | null> {
  const { rows } = await sql.query<MeetingRow>(`SELECT ${COLUMNS} FROM meetings m WHERE m.id = $1${lock ? ' FOR UPDATE' : ''}`, [meetingId]);
  return rows[0] ?? null;
}

export async function findMeetingViewById(sql: Sql, meetingId: string): Promise<MeetingView | null> {
  const { rows } = await sql.query<MeetingView>(`${VIEW} WHERE m.id = $1`, [meetingId]);
  return rows[0] ?? null;
}

/**
 * Meetings of the organizer that have not ended yet (or not started, without an end): those
 * an ID or number change must reach. `idKind` 'organizer' picks those carrying the user's ID.
 */
export async function upcomingMeetingIds(sql: Sql, organizerId: string, idKind?: 'organizer' | 'own'): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM meetings WHERE organizer_id = $1 AND coalesce(ends_at, starts_at) > now() AND ($2::text IS NULL OR id_kind = $2)`,
    [organizerId, idKind ?? null],
  );
  return rows.map((r) => r.id);
}

/** New invitation details; bumps the sequence only when something attendees see changed. */
export async function updateInvitation(
  sql: Sql,
  meetingId: string,
  d: { conferenceId: string; tollNumber: string | null; tollFreeNumber: string | null },
): Promise<{ changed: boolean; sequence: number }> {
  const { rows } = await sql.query<{ changed: boolean; invitation_sequence: number }>(
    `UPDATE meetings m SET conference_id = $2, toll_number = $3, toll_free_number = $4, updated_at = now(),
            invitation_sequence = m.invitation_sequence + 1
       FROM meetings old
      WHERE m.id = $1 AND old.id = m.id
        AND (old.conference_id, old.toll_number, old.toll_free_number) IS DISTINCT FROM ($2, $3, $4)
      RETURNING true AS changed, m.invitation_sequence`,
    [meetingId, d.conferenceId, d.tollNumber, d.tollFreeNumber],
  );
  return rows[0] ? { changed: true, sequence: rows[0].invitation_sequence } : { changed: false, sequence: -1 };
}
