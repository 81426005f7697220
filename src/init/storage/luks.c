/* luks: a LUKS volume opened with cryptsetup, by a key file (rd.luks.key=, in the
 * image or on another device) or a passphrase we read on the console and hand to
 * cryptsetup on its stdin: never on an argument list, never written anywhere. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/escape.h"
#include "base/monoclock.h"
#include "blkdev.h"
#include "boot.h"
#include "log.h"
#include "passphrase.h"
#include "rootspec.h"
#include "storage.h"

/* how long a key on another device (rd.luks.key=PATH:DEVICE) is waited for before the
 * passphrase is asked instead */
#define LUKS_KEYDEV_WAIT_MS 10000

#define LUKS_TRIES 3
#define KEYDEV_DIR "/run/sprout/keydev"

static const char *const dm_crypt_modules[] = {
	"dm_mod", "dm_crypt", "xts", "cbc", "essiv", "aes_generic", "sha256_generic",
	"sha512_generic", "af_alg", "algif_skcipher", "algif_hash", NULL,
};
static const char *const aesni_modules[] = { "aesni_intel", NULL };

/* AES in hardware (x86's "aes" cpu flag): its module then beats aes_generic. */
static bool cpu_has_aes(void)
{
	char line[4096];
	bool has = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return false;
	while (!has && fgets(line, sizeof(line), f))
		has = !strncmp(line, "flags", 5) && strstr(line, " aes ");
	fclose(f);
	return has;
}

/* Names device-mapper takes as they are (a UUID from the disk might not be one). */
static bool mapper_name_ok(const char *s)
{
	if (!s[0] || strlen(s) > CMDLINE_MAPPER_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '+' || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

/* cryptsetup open with key (a file path, or "-" for in/in_len). Its exit code or -errno. */
static int crypt_open(struct boot *b, const struct blkdev *d, const char *name, const char *key,
		      const void *in, size_t in_len)
{
	const char *argv[12];
	int k = 0;

	argv[k++] = STORAGE_CRYPTSETUP;
	argv[k++] = "open";
	argv[k++] = "--type";
	argv[k++] = "luks";
	argv[k++] = "--disable-external-tokens";
	if (b->cfg.luks_discard)
		argv[k++] = "--allow-discards";
	argv[k++] = "--key-file";
	argv[k++] = key;
	argv[k++] = d->path;
	argv[k++] = name;
	argv[k] = NULL;
	return storage_run("storage: cryptsetup", argv, in, in_len, STORAGE_CRYPT_MS);
}

/* The device DEVICE of rd.luks.key=PATH:DEVICE names, among list; NULL if not there. */
static const struct blkdev *key_device(const char *dev, const struct blkdev *list, int n)
{
	struct rootspec rs;

	if (rootspec_parse(dev, &rs) < 0)
		return NULL;
	return blkdev_find(list, n, &rs);
}

/* Opens with rd.luks.key=: 1 opened, 0 the key did not open it (a passphrase next),
 * -EAGAIN its device is not there yet. */
static int open_with_key(struct boot *b, const struct blkdev *d, const char *name,
			 const struct blkdev *list, int n)
{
	char path[CMDLINE_MAX_VALUE], dev[CMDLINE_MAX_VALUE], full[CMDLINE_MAX_VALUE + 32];
	char esc[256];
	const struct blkdev *kd;
	bool mounted = false;
	int r;

	if (cmdline_luks_key_split(b->cfg.luks_key, path, sizeof(path), dev, sizeof(dev)) < 0)
		return 0; /* checked by the parser already */
	escape_str(b->cfg.luks_key, esc, sizeof(esc));
	snprintf(full, sizeof(full), "%s", path);
	if (dev[0]) {
		kd = key_device(dev, list, n);
		if (!kd) {
			uint64_t now = monoclock_ms();

			if (!b->storage.said_keydev) {
				log_info("storage: rd.luks.key=%s: waiting up to %d s for the key's device",
					 esc, LUKS_KEYDEV_WAIT_MS / 1000);
				b->storage.keydev_since_ms = now;
			}
			b->storage.said_keydev = true;
			if (now - b->storage.keydev_since_ms < LUKS_KEYDEV_WAIT_MS)
				return -EAGAIN;
			log_warn("storage: rd.luks.key=%s: the key's device did not appear; asking for "
				 "the passphrase of %s instead", esc, d->path);
			return 0;
		}
		mkdir(KEYDEV_DIR, 0700);
		if (boot_ensure_fs(b, kd->type) < 0 ||
		    mount(kd->path, KEYDEV_DIR, kd->type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) < 0) {
			log_err("storage: rd.luks.key=%s: cannot mount %s (%s) to read the key: %s", esc,
				kd->path, kd->type, strerror(errno));
			return 0;
		}
		mounted = true;
		snprintf(full, sizeof(full), "%s%s", KEYDEV_DIR, path);
	}
	if (access(full, R_OK) < 0) {
		log_err("storage: rd.luks.key=%s: no key file %s%s: %s", esc, path,
			mounted ? " on that device" : " in the image", strerror(errno));
		r = 1;
	} else {
		log_info("storage: opening %s as /dev/mapper/%s with the key file %s", d->path, name,
			 esc);
		r = crypt_open(b, d, name, full, NULL, 0);
	}
	/* decided before the unmount: the key may live on the key device */
	bool key_refused = r > 0 && access(full, R_OK) == 0;

	if (mounted)
		umount2(KEYDEV_DIR, MNT_DETACH);
	if (r == 0)
		return 1;
	if (key_refused)
		log_warn("storage: the key file %s did not open %s (cryptsetup status %d); asking "
			 "for the passphrase", esc, d->path, r);
	return 0;
}

/* Up to LUKS_TRIES passphrases from the console. 1 opened, -EACCES all wrong, -errno. */
static int open_with_passphrase(struct boot *b, const struct blkdev *d, const char *name,
				const char *uuid)
{
	char pass[PASSPHRASE_MAX + 1], prompt[400];
	int r = -EACCES;

	snprintf(prompt, sizeof(prompt), "Passphrase for %s (UUID %s): ", d->path, uuid);
	for (int t = 1; t <= LUKS_TRIES; t++) {
		int len = passphrase_read(prompt, pass, sizeof(pass));

		if (len == -ENAMETOOLONG) {
			log_warn("storage: that passphrase is longer than %d bytes; try again",
				 PASSPHRASE_MAX);
			continue;
		}
		if (len < 0) {
			log_err("storage: cannot read a passphrase for %s on the console: %s", d->path,
				strerror(-len));
			return len;
		}
		r = crypt_open(b, d, name, "-", pass, (size_t)len);
		explicit_bzero(pass, sizeof(pass));
		if (r == 0)
			return 1;
		if (r != 2) { /* 2: no key slot took it; anything else is no typing error */
			log_err("storage: cryptsetup could not open %s (status %d; its output above)",
				d->path, r);
			return r < 0 ? r : -EIO;
		}
		log_warn("storage: wrong passphrase for %s (try %d of %d)", d->path, t, LUKS_TRIES);
	}
	return -EACCES;
}

int luks_volume(struct boot *b, const struct blkdev *d, const struct blkdev *list, int n)
{
	char name[CMDLINE_MAPPER_NAME_MAX + 8], node[CMDLINE_MAPPER_NAME_MAX + 24];
	char uuid[ESCAPE_SIZE(64)];
	uint64_t t0 = monoclock_ms();
	int r;

	escape_str(d->uuid, uuid, sizeof(uuid));
	if (!storage_tool(&b->storage, d->path, 1u << 1, STORAGE_CRYPTSETUP, "luks",
			  "is a LUKS volume"))
		return 0;
	r = cmdline_luks_name_for(&b->cfg, d->uuid, name, sizeof(name));
	if (r < 0 || !mapper_name_ok(name)) {
		log_err("storage: LUKS volume %s has UUID %s, which makes no device-mapper name; "
			"name it with rd.luks.name=UUID=NAME", d->path, uuid);
		return 0;
	}
	snprintf(node, sizeof(node), "/dev/mapper/%s", name);
	if (access(node, F_OK) == 0) {
		log_info("storage: %s is open already as %s", d->path, node);
		return 0;
	}
	storage_modules(b, &b->storage.crypt_modules, dm_crypt_modules, "LUKS");
	if (!b->storage.crypt_modules_hw && cpu_has_aes())
		storage_modules(b, &b->storage.crypt_modules_hw, aesni_modules, "LUKS");
	if (!b->storage.said_keydev) /* said once, not on every scan of a wait for the key */
		log_info("storage: %s is LUKS volume %s: opening it as %s", d->path, uuid, node);
	r = b->cfg.luks_key[0] ? open_with_key(b, d, name, list, n) : 0;
	if (r == 0)
		r = open_with_passphrase(b, d, name, uuid);
	if (r == -EACCES) {
		log_err("storage: LUKS volume %s (UUID %s) stays locked: wrong passphrase %d times. "
			"Nothing was written to any disk. In the shell, `cryptsetup open %s %s` "
			"tries again; leaving the shell retries the boot step", d->path, uuid,
			LUKS_TRIES, d->path, name);
		return r;
	}
	if (r <= 0)
		return r;
	if (access(node, F_OK) < 0)
		log_warn("storage: cryptsetup opened %s but %s is missing (no udev here and the "
			 "image's libdevmapper did not make it); use UUID= to name what is on it",
			 d->path, node);
	log_info("storage: %s is open as %s (%llu ms)", d->path, node,
		 (unsigned long long)(monoclock_ms() - t0));
	return 1;
}
