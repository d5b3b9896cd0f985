-- Spoken ID and PIN entry per dial-in number ("dtmf speech" gathers), off unless an admin turns
-- it on for a number whose callers' keypad tones are unreliable.
-- Never edit this file once applied; add a new numbered file instead.
ALTER TABLE dial_in_numbers ADD COLUMN speech_input boolean NOT NULL DEFAULT false;
