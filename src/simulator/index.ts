// Twilio's side of a call, for tests and `npm run call`: signed webhooks, TwiML executed as
// Twilio executes it, and conference rooms that post their status callbacks.
export { SimulatedCall, type CallOptions, type Heard } from './call.js';
export { Conferences, type ConferenceEvent } from './conferences.js';
export { parseTwiml, parseXml, TwimlError, type TwimlNode } from './twiml-reader.js';
export { sign, Webhooks, newSid, ServiceUnreachableError, type TwilioEndpoint, type WebhookAnswer } from './twilio.js';
