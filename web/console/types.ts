// The admin API's JSON shapes as the console reads them (see /openapi.json).

export interface Me { apiKeyId: string | null; name: string; tenantId: string | null; readOnly: boolean }

export interface Page<T> { items: T[]; nextCursor: string | null }

export type ConferenceIdMode = 'static' | 'dynamic';
export type Announcements = 'tones' | 'off';

export interface TenantSettings {
  name: string;
  conferenceIdMode: ConferenceIdMode;
  sendEmailByDefault: boolean;
  pinLength: number;
  allowCallersToStartMeeting: boolean;
  entryExitAnnouncements: Announcements;
}

export interface Tenant extends TenantSettings { id: string; bridgeId: string; createdAt: string }

export interface User {
  id: string; tenantId: string; email: string; displayName: string; provider: 'builtin' | 'third_party';
  conferenceId: string | null; conferenceIdUpdatedAt: string | null;
  tollNumber: string | null; tollFreeNumber: string | null; createdAt: string;
}

export interface EnabledUser extends User { leaderPin?: string; emailQueued: boolean }

export interface NewUser {
  email: string; displayName: string; provider: 'builtin' | 'third_party';
  conferenceId?: string; tollNumber?: string; sendEmail?: boolean;
}

export interface ConferenceIdChange { conferenceId: string; previousConferenceId: string | null; emailQueued: boolean }
export interface LeaderPinReset { leaderPin: string; emailQueued: boolean }
export interface UnlockAnswer { wasLocked?: boolean; wrongPinsCleared?: number }

export interface Bridge { id: string; name: string; defaultTollNumber: string | null; defaultTollFreeNumber: string | null; createdAt: string }

export type NumberType = 'toll' | 'toll_free';
export interface DialInNumber {
  number: string; bridgeId: string; type: NumberType; primaryLanguage: string; secondaryLanguages: string[];
  city: string | null; country: string | null;
}
export type DialInNumberBody = Omit<DialInNumber, 'number'>;

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export interface Job {
  id: string; kind: string; status: JobStatus; total: number; succeeded: number; failed: number;
  errors: { unitId: string | null; message: string }[];
  tenantId: string | null; bridgeId: string | null; createdAt: string; startedAt: string | null; finishedAt: string | null;
}
export interface JobAccepted { jobId: string; total: number }

export interface AuditEvent {
  id: string; at: string; actor: { apiKeyId: string | null; name: string }; action: string;
  target: { type: string; id: string }; details: Record<string, unknown>;
}

/** Where a valid conference ID leads (passwords are write-only: only whether one is set). */
export type DestinationScope = 'tenant' | 'bridge' | 'default';
export interface Destination {
  scope: DestinationScope; kind: 'twilio' | 'sip';
  uriTemplate: string | null; roomHeader: string | null; roleHeader: string | null;
  sipAuth: { username: string } | null; roomPassword: { header: string } | null; updatedAt: string | null;
}
/** PUT .../destination: a password left out is kept, null removes it. */
export type DestinationBody =
  | { kind: 'twilio' }
  | {
    kind: 'sip'; uriTemplate: string; roomHeader: string; roleHeader: string | null;
    sipAuth?: { username: string; password: string } | null; roomPassword?: { header: string; password: string } | null;
  };

export interface JitsiIntegration {
  id: string; tenantId: string; name: string; mucDomains: string[]; allowedOrigins: string[];
  maxLiveIds: number; liveIds: number; dialInConfCodeUrl: string; dialInNumbersUrl: string; createdAt: string; updatedAt: string;
}
export interface JitsiIntegrationBody { name: string; mucDomains: string[]; allowedOrigins: string[]; maxLiveIds?: number }
export interface MapperRoom { id: string; conference: string; conferenceId: string | null; expiresAt: string | null; lastLookupAt: string; createdAt: string }
