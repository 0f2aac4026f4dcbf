/*
 * device.c: device cookie = base64url(issued seconds, 8 bytes big endian ||
 * first 16 bytes of HMAC-SHA256(device key, account key || issued)). The
 * device key is derived from the server secret, so a cookie cannot be
 * made without it, and the account key binds the cookie to one login.
 */
#include <string.h>

#include <sodium.h>

#include "device.h"

#define DEVICE_MAC_LEN	16
#define DEVICE_RAW_LEN	(8 + DEVICE_MAC_LEN)

static void
device_mac(const uint8_t secret[TOKEN_SECRET_LEN],
    const uint8_t account_key[32], const uint8_t issued[8],
    uint8_t mac[crypto_auth_hmacsha256_BYTES])
{
	static const char ctx[] = "apitoken device cookie v1";
	crypto_auth_hmacsha256_state st;
	uint8_t key[32];

	crypto_generichash(key, sizeof(key), (const uint8_t *)ctx,
	    sizeof(ctx) - 1, secret, TOKEN_SECRET_LEN);
	crypto_auth_hmacsha256_init(&st, key, sizeof(key));
	crypto_auth_hmacsha256_update(&st, account_key, 32);
	crypto_auth_hmacsha256_update(&st, issued, 8);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof(key));
}

void
device_make(const uint8_t secret[TOKEN_SECRET_LEN],
    const uint8_t account_key[32], int64_t now, char *out)
{
	uint8_t raw[DEVICE_RAW_LEN], mac[crypto_auth_hmacsha256_BYTES];
	uint64_t s = (uint64_t)(now / 1000);
	int i;

	for (i = 7; i >= 0; i--, s >>= 8)
		raw[i] = (uint8_t)s;
	device_mac(secret, account_key, raw, mac);
	memcpy(raw + 8, mac, DEVICE_MAC_LEN);
	sodium_bin2base64(out, DEVICE_VALUE_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
device_ok(const uint8_t secret[TOKEN_SECRET_LEN],
    const uint8_t account_key[32], const char *value, int64_t now)
{
	uint8_t raw[DEVICE_RAW_LEN], mac[crypto_auth_hmacsha256_BYTES];
	size_t len = 0;
	uint64_t s = 0;
	int i;

	if (value == NULL || strlen(value) != DEVICE_VALUE_LEN ||
	    sodium_base642bin(raw, sizeof(raw), value, DEVICE_VALUE_LEN, NULL,
	    &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof(raw))
		return 0;
	device_mac(secret, account_key, raw, mac);
	if (sodium_memcmp(mac, raw + 8, DEVICE_MAC_LEN) != 0)
		return 0;
	for (i = 0; i < 8; i++)
		s = s << 8 | raw[i];
	/* Not from the future (a minute of clock skew between hosts). */
	return (int64_t)s <= now / 1000 + 60 &&
	    now / 1000 - (int64_t)s <= DEVICE_TTL_S;
}
