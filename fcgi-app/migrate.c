/* migrate.c: applies schema/NNN_name.sql files in order, once each. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate.h"
#include "util.h"

#define MIGRATE_MAX_FILES	512
#define MIGRATE_MAX_SIZE	(1024 * 1024)
#define MIGRATE_NAME_MAX	128

static struct db_stmt st_applied = DB_STMT_INIT(
    "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", 1);
static struct db_stmt st_record = DB_STMT_INIT(
    "INSERT INTO schema_migrations (version, name, applied_at) "
    "VALUES (?, ?, ?)", 0);
static struct db_stmt st_lock = DB_STMT_INIT(
    "SELECT COALESCE(GET_LOCK('apitoken_migrate', 30), 0)", 1);
static struct db_stmt st_unlock = DB_STMT_INIT(
    "SELECT RELEASE_LOCK('apitoken_migrate')", 1);

/* "001_core.sql": three or more digits, '_', [a-z0-9_]+, ".sql". */
static int
migrate_name_ok(const char *name, int64_t *version)
{
	size_t i = 0, n = strlen(name);

	if (n < 9 || n > MIGRATE_NAME_MAX || strcmp(name + n - 4, ".sql") != 0)
		return 0;
	while (i < n && name[i] >= '0' && name[i] <= '9')
		i++;
	if (i < 3 || name[i] != '_')
		return 0;
	if (util_parse_i64(name, i, 1, 999999, version) == -1)
		return 0;
	for (i++; i < n - 4; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

static int
migrate_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
migrate_read(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd, len;

	len = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || st.st_size > MIGRATE_MAX_SIZE)
		goto out;
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto out;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
out:
	close(fd);
	return buf;
}

static int
migrate_applied(struct db *db, int64_t version, int *applied)
{
	MYSQL_BIND in[1], out[1];
	int64_t count = 0;
	my_bool isnull;
	int rc;

	db_in_i64(&in[0], &version);
	db_out_i64(&out[0], &count, &isnull);
	rc = db_fetch_one(db, &st_applied, in, out);
	*applied = count > 0;
	return rc == 1 ? DB_OK : rc < 0 ? rc : DB_ERROR;
}

static int
migrate_one(struct db *db, const char *dir, const char *name,
    int64_t version, FILE *out)
{
	MYSQL_BIND in[3];
	int64_t now = util_now_ms();
	char *sql;
	int rc;

	if ((sql = migrate_read(dir, name)) == NULL) {
		fprintf(stderr, "apitokenctl: %s/%s: cannot read (or over %d "
		    "bytes)\n", dir, name, MIGRATE_MAX_SIZE);
		return -1;
	}
	fprintf(out, "applying %s ... ", name);
	fflush(out);
	rc = db_query(db, sql);
	free(sql);
	if (rc != DB_OK) {
		fprintf(out, "failed\n");
		fprintf(stderr, "apitokenctl: %s: MariaDB error %u (see the "
		    "statement in the file); nothing recorded\n", name,
		    db->last_errno);
		return -1;
	}
	db_in_i64(&in[0], &version);
	db_in_str(&in[1], name);
	db_in_i64(&in[2], &now);
	if (db_exec(db, &st_record, in, NULL) != DB_OK) {
		fprintf(out, "failed\n");
		fprintf(stderr, "apitokenctl: %s: applied but not recorded\n",
		    name);
		return -1;
	}
	fprintf(out, "done\n");
	return 0;
}

int
migrate_run(struct db *db, const char *dir, FILE *out)
{
	char *names[MIGRATE_MAX_FILES];
	MYSQL_BIND lo[1];
	int64_t version, locked = 0;
	my_bool isnull;
	struct dirent *de;
	size_t n = 0, i;
	int rc = -1, applied, done = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "apitokenctl: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < MIGRATE_MAX_FILES)
		if (migrate_name_ok(de->d_name, &version))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), migrate_cmp);
	if (n == 0) {
		fprintf(stderr, "apitokenctl: %s: no NNN_name.sql files\n", dir);
		return -1;
	}
	if (db_query(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INT UNSIGNED NOT NULL, name VARCHAR(128) NOT NULL, "
	    "applied_at BIGINT NOT NULL, PRIMARY KEY (version)) "
	    "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4") != DB_OK) {
		fprintf(stderr, "apitokenctl: cannot create schema_migrations "
		    "(MariaDB error %u)\n", db->last_errno);
		goto out;
	}
	/* Two migrate runs at once must not apply a file twice. */
	db_out_i64(&lo[0], &locked, &isnull);
	if (db_exec(db, &st_lock, NULL, lo) != DB_OK ||
	    db_fetch(&st_lock) != 1 || locked != 1) {
		db_done(&st_lock);
		fprintf(stderr, "apitokenctl: another migrate holds the lock\n");
		goto out;
	}
	db_done(&st_lock);
	for (i = 0; i < n; i++) {
		if (names[i] == NULL || !migrate_name_ok(names[i], &version))
			continue;
		if (migrate_applied(db, version, &applied) != DB_OK) {
			fprintf(stderr, "apitokenctl: cannot read "
			    "schema_migrations\n");
			goto unlock;
		}
		if (applied)
			continue;
		if (migrate_one(db, dir, names[i], version, out) == -1)
			goto unlock;
		done++;
	}
	if (done == 0)
		fprintf(out, "schema is up to date (%zu migrations)\n", n);
	else
		fprintf(out, "applied %d migration%s\n", done,
		    done == 1 ? "" : "s");
	rc = 0;
unlock:
	db_out_i64(&lo[0], &locked, &isnull);
	if (db_exec(db, &st_unlock, NULL, lo) == DB_OK) {
		(void)db_fetch(&st_unlock);
		db_done(&st_unlock);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}
