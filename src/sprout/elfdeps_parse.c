/* elfdeps_parse: the loader-facing facts of one ELF file, through its program
 * headers (PT_INTERP, PT_DYNAMIC and the PT_LOAD that maps the string table), as
 * ld.so reads them; and elfdeps_normalize. Both pure. See elfdeps.h. */
#include "elfdeps.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LOADS 64

struct load {
	uint64_t vaddr, off, filesz;
};

struct dyninfo {
	uint64_t strtab, strsz, runpath, rpath;
	bool has_strtab, has_strsz, has_runpath, has_rpath;
	uint64_t needed[ELFDEPS_MAX_NEEDED];
	size_t n_needed;
};

/* --- parsing -------------------------------------------------------------------- */

/* Copies the NUL-terminated string at base[0..avail) into a new string. */
static int copy_cstr(const uint8_t *base, uint64_t avail, char **out)
{
	size_t lim = avail < ELFDEPS_MAX_STR ? (size_t)avail : ELFDEPS_MAX_STR;
	const uint8_t *nul = memchr(base, '\0', lim);

	if (!nul)
		return avail > ELFDEPS_MAX_STR ? -E2BIG : -EBADMSG;
	*out = strndup((const char *)base, (size_t)(nul - base));
	return *out ? 0 : -ENOMEM;
}

static int read_dynamic(Elf *e, uint64_t off, uint64_t size, struct dyninfo *di)
{
	size_t entsz = gelf_fsize(e, ELF_T_DYN, 1, EV_CURRENT);
	Elf_Data *data;

	if (!entsz || size < entsz || size > ELFDEPS_MAX_FILE)
		return -EBADMSG;
	data = elf_getdata_rawchunk(e, (int64_t)off, (size_t)size, ELF_T_DYN);
	if (!data)
		return -EBADMSG;
	for (size_t i = 0; i < size / entsz; i++) {
		GElf_Dyn dyn;

		if (!gelf_getdyn(data, (int)i, &dyn))
			return -EBADMSG;
		switch (dyn.d_tag) {
		case DT_NULL:
			return 0;
		case DT_NEEDED:
			if (di->n_needed == ELFDEPS_MAX_NEEDED)
				return -E2BIG;
			di->needed[di->n_needed++] = dyn.d_un.d_val;
			break;
		case DT_STRTAB:
			di->strtab = dyn.d_un.d_ptr;
			di->has_strtab = true;
			break;
		case DT_STRSZ:
			di->strsz = dyn.d_un.d_val;
			di->has_strsz = true;
			break;
		case DT_RUNPATH:
			di->runpath = dyn.d_un.d_val;
			di->has_runpath = true;
			break;
		case DT_RPATH:
			di->rpath = dyn.d_un.d_val;
			di->has_rpath = true;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* The file offset of the string table, found through the PT_LOAD that maps it. */
static int map_strtab(const struct load *loads, size_t n, const struct dyninfo *di, size_t len,
		      uint64_t *off)
{
	for (size_t i = 0; i < n; i++) {
		const struct load *l = &loads[i];

		if (di->strtab < l->vaddr || di->strtab - l->vaddr >= l->filesz)
			continue;
		if (di->strsz > l->filesz - (di->strtab - l->vaddr))
			return -EBADMSG;
		*off = l->off + (di->strtab - l->vaddr);
		if (*off > len || di->strsz > len - *off)
			return -EBADMSG;
		return 0;
	}
	return -EBADMSG;
}

static int dyn_string(const uint8_t *buf, uint64_t stroff, uint64_t strsz, uint64_t idx, char **out)
{
	if (idx >= strsz)
		return -EBADMSG;
	return copy_cstr(buf + stroff + idx, strsz - idx, out);
}

static int read_strings(const uint8_t *buf, size_t len, const struct load *loads, size_t nloads,
			const struct dyninfo *di, struct elfdeps_info *out)
{
	uint64_t stroff;
	int r;

	if (!di->n_needed && !di->has_runpath && !di->has_rpath)
		return 0;
	if (!di->has_strtab || !di->has_strsz)
		return -EBADMSG;
	r = map_strtab(loads, nloads, di, len, &stroff);
	if (r < 0)
		return r;
	if (di->n_needed) {
		out->needed = calloc(di->n_needed, sizeof(*out->needed));
		if (!out->needed)
			return -ENOMEM;
	}
	for (size_t i = 0; i < di->n_needed; i++) {
		r = dyn_string(buf, stroff, di->strsz, di->needed[i], &out->needed[i]);
		if (r < 0)
			return r;
		out->n_needed++;
	}
	if (di->has_runpath) {
		r = dyn_string(buf, stroff, di->strsz, di->runpath, &out->runpath);
		if (r < 0)
			return r;
	}
	if (di->has_rpath)
		r = dyn_string(buf, stroff, di->strsz, di->rpath, &out->rpath);
	return r;
}

static int parse_elf(Elf *e, const uint8_t *buf, size_t len, struct elfdeps_info *out)
{
	struct load loads[MAX_LOADS];
	struct dyninfo *di;
	GElf_Ehdr eh;
	size_t phnum, nloads = 0;
	int r = 0;

	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) || elf_getphdrnum(e, &phnum) != 0)
		return -EBADMSG;
	out->elf_class = gelf_getclass(e);
	out->machine = eh.e_machine;
	di = calloc(1, sizeof(*di));
	if (!di)
		return -ENOMEM;
	for (size_t i = 0; i < phnum && r == 0; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph)) {
			r = -EBADMSG;
		} else if (ph.p_type == PT_INTERP) {
			if (ph.p_offset >= len || out->interp)
				r = -EBADMSG;
			else
				r = copy_cstr(buf + ph.p_offset,
					      ph.p_filesz < len - ph.p_offset ? ph.p_filesz
									: len - ph.p_offset,
					      &out->interp);
		} else if (ph.p_type == PT_DYNAMIC) {
			r = read_dynamic(e, ph.p_offset, ph.p_filesz, di);
		} else if (ph.p_type == PT_LOAD) {
			if (nloads == MAX_LOADS)
				r = -E2BIG;
			else
				loads[nloads++] = (struct load){ ph.p_vaddr, ph.p_offset, ph.p_filesz };
		}
	}
	if (r == 0)
		r = read_strings(buf, len, loads, nloads, di, out);
	free(di);
	return r;
}

int elfdeps_parse(const uint8_t *buf, size_t len, struct elfdeps_info *out)
{
	uint8_t *copy;
	Elf *e;
	int r;

	memset(out, 0, sizeof(*out));
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (len > ELFDEPS_MAX_FILE)
		return -EFBIG;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	/* libelf's elf_memory takes a writable image (it may convert in place), so it
	 * gets a private copy and the caller's buffer stays const. */
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	e = elf_memory((char *)copy, len);
	if (!e) {
		free(copy);
		return -EBADMSG;
	}
	r = parse_elf(e, copy, len, out);
	elf_end(e);
	free(copy);
	if (r < 0)
		elfdeps_info_free(out);
	return r;
}

void elfdeps_info_free(struct elfdeps_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->n_needed; i++)
		free(info->needed[i]);
	free(info->needed);
	free(info->interp);
	free(info->runpath);
	free(info->rpath);
	memset(info, 0, sizeof(*info));
}

int elfdeps_normalize(const char *path, char *out, size_t outsz)
{
	size_t o = 0;
	const char *p = path;

	if (!path || path[0] != '/' || outsz < 2)
		return -EINVAL;
	while (*p) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (o == 0)
				return -EINVAL;
			while (o > 0 && out[o - 1] != '/')
				o--;
			o--; /* the '/' before the dropped segment */
			continue;
		}
		if (o + 1 + n + 1 > outsz)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, seg, n);
		o += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

