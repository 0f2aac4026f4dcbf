-- 004_auth_epoch: one counter that every change able to refuse a token
-- (revoke, rotate, renew, disable, membership) bumps in the same
-- transaction. Each pool reads it every [cache] ttl seconds and forgets its
-- cached tokens when it moved: how a revocation made on one host reaches
-- the others without every token check reading the database.
-- Re-runnable: IF NOT EXISTS, INSERT IGNORE.

CREATE TABLE IF NOT EXISTS auth_epoch (
  id  TINYINT UNSIGNED NOT NULL,
  n   BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

INSERT IGNORE INTO auth_epoch (id, n) VALUES (1, 0);
