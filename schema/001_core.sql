-- 001_core: users, sessions, tokens, audit events.
-- Times are BIGINT milliseconds since the epoch (UTC). Every table is InnoDB
-- with a primary key, so the schema is ready for Galera.

CREATE TABLE IF NOT EXISTS users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  login         VARCHAR(64) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  is_admin      TINYINT(1) NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  disabled_at   BIGINT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY users_login (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The session id itself is never stored: only its SHA-256.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash       BINARY(32) NOT NULL,
  user_id       BIGINT UNSIGNED NOT NULL,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL,
  ip            VARCHAR(45) NOT NULL DEFAULT '',
  user_agent    VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (id_hash),
  KEY sessions_user (user_id),
  KEY sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per token of every kind (personal now; container and identity
-- tokens use the columns reserved for them). Only HMAC-SHA256(secret, token)
-- is kept; public_id and hint are not secret.
CREATE TABLE IF NOT EXISTS tokens (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  public_id          CHAR(16) NOT NULL,
  token_hash         BINARY(32) NOT NULL,
  hint               VARCHAR(32) NOT NULL,
  kind               VARCHAR(16) NOT NULL DEFAULT 'personal',
  user_id            BIGINT UNSIGNED NULL,
  container_id       BIGINT UNSIGNED NULL,
  identity_id        BIGINT UNSIGNED NULL,
  permissions        INT UNSIGNED NOT NULL DEFAULT 0,
  description        VARCHAR(255) NOT NULL DEFAULT '',
  reason             VARCHAR(255) NULL,
  created_at         BIGINT NOT NULL,
  created_by         BIGINT UNSIGNED NULL,
  created_ip         VARCHAR(45) NULL,
  created_user_agent VARCHAR(255) NULL,
  expires_at         BIGINT NULL,
  max_expires_at     BIGINT NULL,
  uses               BIGINT UNSIGNED NOT NULL DEFAULT 0,
  max_uses           BIGINT UNSIGNED NOT NULL DEFAULT 0,
  trusted_cidrs      VARCHAR(1024) NULL,
  last_used_at       BIGINT NULL,
  last_used_ip       VARCHAR(45) NULL,
  revoked_at         BIGINT NULL,
  revoked_by         BIGINT UNSIGNED NULL,
  revoked_reason     VARCHAR(255) NULL,
  rotated_from       BIGINT UNSIGNED NULL,
  PRIMARY KEY (id),
  UNIQUE KEY tokens_hash (token_hash),
  UNIQUE KEY tokens_public_id (public_id),
  KEY tokens_user (user_id, created_at),
  KEY tokens_container (container_id),
  KEY tokens_identity (identity_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS audit_events (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at             BIGINT NOT NULL,
  actor_user_id  BIGINT UNSIGNED NULL,
  actor_token_id BIGINT UNSIGNED NULL,
  token_id       BIGINT UNSIGNED NULL,
  action         VARCHAR(32) NOT NULL,
  outcome        VARCHAR(16) NOT NULL,
  ip             VARCHAR(45) NOT NULL DEFAULT '',
  user_agent     VARCHAR(255) NOT NULL DEFAULT '',
  reason         VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY audit_at (at),
  KEY audit_token (token_id, at),
  KEY audit_actor (actor_user_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
