-- 003_token_count: an index that answers "how many live personal tokens
-- does this user hold" (max_tokens_per_user, checked at every creation)
-- from the index alone, instead of reading every row of the user's tokens.
-- Re-runnable: IF NOT EXISTS.

ALTER TABLE tokens ADD INDEX IF NOT EXISTS
  tokens_live (user_id, kind, revoked_at, expires_at);
