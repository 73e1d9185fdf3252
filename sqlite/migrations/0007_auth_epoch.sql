-- auth_epoch counts the changes that can end what an API token grants: a
-- token revoked or its expiry changed, a user's identity or status
-- changed, a grant added, changed or removed. The staff service keeps the
-- tokens it has looked up with the epoch it read them under and looks a
-- token up again only when the epoch has moved, so that a revocation or
-- removal by any process takes effect at the next request. The triggers
-- keep the count whatever code makes the change.
CREATE TABLE auth_epoch (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	epoch INTEGER NOT NULL
) STRICT;

INSERT INTO auth_epoch (id, epoch) VALUES (1, 0);

CREATE TRIGGER api_tokens_auth_epoch_update AFTER UPDATE ON api_tokens
WHEN OLD.revoked_at IS NOT NEW.revoked_at OR OLD.expires_at IS NOT NEW.expires_at
	OR OLD.user_id IS NOT NEW.user_id OR OLD.grant_id IS NOT NEW.grant_id OR OLD.hash IS NOT NEW.hash
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER api_tokens_auth_epoch_delete AFTER DELETE ON api_tokens
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER users_auth_epoch_update AFTER UPDATE ON users
WHEN OLD.email IS NOT NEW.email OR OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT NEW.last_name
	OR OLD.mobile IS NOT NEW.mobile OR OLD.national_id IS NOT NEW.national_id
	OR OLD.organisation IS NOT NEW.organisation OR OLD.position IS NOT NEW.position OR OLD.status IS NOT NEW.status
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER users_auth_epoch_delete AFTER DELETE ON users
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER grants_auth_epoch_insert AFTER INSERT ON grants
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER grants_auth_epoch_update AFTER UPDATE ON grants
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;

CREATE TRIGGER grants_auth_epoch_delete AFTER DELETE ON grants
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
END;
