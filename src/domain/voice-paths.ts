// The URLs under PUBLIC_BASE_URL that Twilio calls: the voice flow serves them, and provisioning
// points every dial-in number's Twilio configuration at the first and the last two.
export const VOICE_PATHS = {
  incoming: '/voice/incoming',
  entry: '/voice/entry',
  leader: '/voice/leader',
  pin: '/voice/pin',
  conferenceEvents: '/voice/conference-events',
  /** <Dial action> of a call sent to a SIP destination: Twilio posts DialCallStatus when that leg ends. */
  dialEnded: '/voice/dial-ended',
  status: '/voice/status',
  /** The number's Voice Fallback URL: Twilio posts it when the Voice URL failed or timed out. */
  fallback: '/voice/fallback',
} as const;
