-- 002_scopes: containers with members (InfraSonar model), machine
-- identities with token-auth settings and container roles (Infisical
-- model), and the token columns for renewal and rotation.
-- Re-runnable: IF NOT EXISTS everywhere, so a half-applied run can be
-- finished by running apitokenctl migrate again.

CREATE TABLE IF NOT EXISTS containers (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name        VARCHAR(64) NOT NULL,
  created_at  BIGINT NOT NULL,
  created_by  BIGINT UNSIGNED NULL,
  PRIMARY KEY (id),
  UNIQUE KEY containers_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- permissions: read=1 write=2 manage=4 access=8.
CREATE TABLE IF NOT EXISTS container_members (
  container_id  BIGINT UNSIGNED NOT NULL,
  user_id       BIGINT UNSIGNED NOT NULL,
  permissions   INT UNSIGNED NOT NULL,
  granted_at    BIGINT NOT NULL,
  granted_by    BIGINT UNSIGNED NULL,
  PRIMARY KEY (container_id, user_id),
  KEY container_members_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- org_role: admin, member, no-access.
CREATE TABLE IF NOT EXISTS identities (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name        VARCHAR(64) NOT NULL,
  org_role    VARCHAR(16) NOT NULL DEFAULT 'member',
  created_at  BIGINT NOT NULL,
  created_by  BIGINT UNSIGNED NULL,
  disabled_at BIGINT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY identities_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Seconds, as Infisical names them; 0 uses = unlimited.
CREATE TABLE IF NOT EXISTS identity_token_auth (
  identity_id                  BIGINT UNSIGNED NOT NULL,
  access_token_ttl             BIGINT NOT NULL DEFAULT 2592000,
  access_token_max_ttl         BIGINT NOT NULL DEFAULT 2592000,
  access_token_num_uses_limit  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  access_token_trusted_ips     VARCHAR(1024) NOT NULL DEFAULT '0.0.0.0/0, ::/0',
  updated_at                   BIGINT NOT NULL,
  PRIMARY KEY (identity_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- role: viewer (read), member (read, write), admin (all four).
CREATE TABLE IF NOT EXISTS identity_container_roles (
  identity_id   BIGINT UNSIGNED NOT NULL,
  container_id  BIGINT UNSIGNED NOT NULL,
  role          VARCHAR(16) NOT NULL,
  granted_at    BIGINT NOT NULL,
  granted_by    BIGINT UNSIGNED NULL,
  PRIMARY KEY (identity_id, container_id),
  KEY identity_container_roles_container (container_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- ttl_ms: what a renewal adds. family_id: the first token of a rotation
-- chain (NULL on that first token itself). superseded_at/overlap_until:
-- set when the token was rotated; after overlap_until a use of it is a
-- reuse and revokes the whole family.
ALTER TABLE tokens
  ADD COLUMN IF NOT EXISTS ttl_ms BIGINT NULL,
  ADD COLUMN IF NOT EXISTS family_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS superseded_at BIGINT NULL,
  ADD COLUMN IF NOT EXISTS overlap_until BIGINT NULL,
  ADD KEY IF NOT EXISTS tokens_family (family_id),
  ADD KEY IF NOT EXISTS tokens_created (created_at);

-- Personal tokens made before scopes existed act with all of the owner's
-- rights: that is the full mask.
UPDATE tokens SET permissions = 15 WHERE kind = 'personal' AND permissions = 0;
