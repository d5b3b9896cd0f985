// Every admin endpoint, in one list: the router, the OpenAPI document and the tests are built from it.
import type { Endpoint } from '../endpoint.js';
import { abuseEndpoints } from './abuse.js';
import { apiKeyEndpoints } from './api-keys.js';
import { auditEndpoints } from './audit.js';
import { bridgeEndpoints } from './bridges.js';
import { destinationEndpoints } from './destinations.js';
import { dialInNumberEndpoints } from './dial-in-numbers.js';
import { jitsiIntegrationEndpoints } from './jitsi-integrations.js';
import { jobEndpoints } from './jobs.js';
import { meetingEndpoints } from './meetings.js';
import { outboxEndpoints } from './outbox.js';
import { tenantEndpoints } from './tenants.js';
import { userActionEndpoints } from './user-actions.js';
import { userEndpoints } from './users.js';

export const ENDPOINTS: readonly Endpoint[] = [
  ...bridgeEndpoints, ...dialInNumberEndpoints, ...tenantEndpoints, ...apiKeyEndpoints, ...userEndpoints, ...userActionEndpoints,
  ...auditEndpoints, ...meetingEndpoints, ...jobEndpoints, ...outboxEndpoints, ...destinationEndpoints, ...jitsiIntegrationEndpoints,
  ...abuseEndpoints,
];
