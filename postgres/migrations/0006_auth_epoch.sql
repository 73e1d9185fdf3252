-- auth_epoch counts the changes that can end what an API token grants: a
-- token revoked or its expiry changed, a user's identity or status
-- changed, a grant added, changed or removed. The staff service keeps the
-- tokens it has looked up with the epoch it read them under and looks a
-- token up again only when the epoch has moved, so that a revocation or
-- removal by any process takes effect at the next request. The triggers
-- keep the count whatever code makes the change.
CREATE TABLE auth_epoch (
	id    integer PRIMARY KEY CHECK (id = 1),
	epoch bigint NOT NULL
);

INSERT INTO auth_epoch (id, epoch) VALUES (1, 0);

CREATE FUNCTION bump_auth_epoch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1;
	RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_auth_epoch_update AFTER UPDATE ON api_tokens
	FOR EACH ROW
	WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
		OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.grant_id IS DISTINCT FROM NEW.grant_id
		OR OLD.hash IS DISTINCT FROM NEW.hash)
	EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER api_tokens_auth_epoch_delete AFTER DELETE ON api_tokens
	FOR EACH ROW EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER users_auth_epoch_update AFTER UPDATE ON users
	FOR EACH ROW
	WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.first_name IS DISTINCT FROM NEW.first_name
		OR OLD.last_name IS DISTINCT FROM NEW.last_name OR OLD.mobile IS DISTINCT FROM NEW.mobile
		OR OLD.national_id IS DISTINCT FROM NEW.national_id OR OLD.organisation IS DISTINCT FROM NEW.organisation
		OR OLD.position IS DISTINCT FROM NEW.position OR OLD.status IS DISTINCT FROM NEW.status)
	EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER users_auth_epoch_delete AFTER DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER grants_auth_epoch_change AFTER INSERT OR UPDATE OR DELETE ON grants
	FOR EACH ROW EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER api_tokens_auth_epoch_truncate AFTER TRUNCATE ON api_tokens
	FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER users_auth_epoch_truncate AFTER TRUNCATE ON users
	FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER grants_auth_epoch_truncate AFTER TRUNCATE ON grants
	FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_epoch();
