-- 005_throttle: failed password attempts (POST /api/login, HTTP Basic)
-- counted per client address and per login, in fixed windows
-- (throttle_login.c). A row is keyed by a keyed hash, so a password typed
-- into the login field is never stored; address rows keep the address as
-- a label for `apitokenctl throttle list`. Rows outlive their window only
-- until the next purge.
-- Re-runnable: IF NOT EXISTS.

CREATE TABLE IF NOT EXISTS login_throttle (
  key_hash      BINARY(32) NOT NULL,
  kind          VARCHAR(8) NOT NULL,
  label         VARCHAR(48) NOT NULL DEFAULT '',
  fails         INT UNSIGNED NOT NULL,
  window_start  BIGINT NOT NULL,
  PRIMARY KEY (key_hash),
  KEY login_throttle_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
