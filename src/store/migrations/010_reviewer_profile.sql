-- The reviewer's profile, used in the reply: the credential after their name (CPC, CCS, ...) and a
-- signature of a few lines. Both optional; a reply without them still names the reviewer.
ALTER TABLE users ADD COLUMN credential text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN signature text NOT NULL DEFAULT '';

-- The consultation page shows who approved the sent answer: the newest 'approve' review of the case.
CREATE INDEX reviews_consultation ON reviews (consultation_id, id);
