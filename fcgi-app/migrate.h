/* migrate.h: applies schema/NNN_name.sql files in order, once each. */
#ifndef APITOKEN_MIGRATE_H
#define APITOKEN_MIGRATE_H

#include <stdio.h>

#include "db.h"

/*
 * Applies every migration in dir not yet in schema_migrations, in name
 * order, printing one line per file to out. The connection must allow
 * multi-statements. 0, or -1 after printing the reason to stderr.
 */
int	 migrate_run(struct db *db, const char *dir, FILE *out);

#endif
