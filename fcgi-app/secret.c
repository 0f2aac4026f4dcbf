/* secret.c: the server secret file (HMAC key for token hashes). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "secret.h"

#define SECRET_HEX_LEN	(TOKEN_SECRET_LEN * 2)

int
secret_load(const char *path, uint8_t out[TOKEN_SECRET_LEN], char *err,
    size_t errlen)
{
	char buf[SECRET_HEX_LEN + 2];
	struct stat st;
	size_t binlen = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s (create it with "
		    "'apitokenctl secret init')", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: must not be readable by group or "
		    "others (chmod 600)", path);
		goto out;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < SECRET_HEX_LEN) {
		snprintf(err, errlen, "%s: too short: want %d hex characters",
		    path, SECRET_HEX_LEN);
		goto out;
	}
	if (sodium_hex2bin(out, TOKEN_SECRET_LEN, buf, SECRET_HEX_LEN, NULL,
	    &binlen, NULL) != 0 || binlen != TOKEN_SECRET_LEN) {
		snprintf(err, errlen, "%s: not %d hex characters", path,
		    SECRET_HEX_LEN);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return rc;
}

int
secret_create(const char *path, int force, char *err, size_t errlen)
{
	uint8_t key[TOKEN_SECRET_LEN];
	char hex[SECRET_HEX_LEN + 2];
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, rc = -1;

	flags |= force ? O_TRUNC : O_EXCL;
	if ((fd = open(path, flags, 0600)) == -1) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s: already exists; replacing it "
			    "invalidates every token (use --force)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[SECRET_HEX_LEN] = '\n';
	if (fchmod(fd, 0600) == -1 ||
	    write(fd, hex, SECRET_HEX_LEN + 1) != SECRET_HEX_LEN + 1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) == -1 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}
