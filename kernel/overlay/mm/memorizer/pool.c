// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memorizer's own memory: one region reserved from memblock at boot
 * (memalloc_size=), carved by a bump allocator into fixed-size records with
 * per-kind free lists. Nothing here calls the slab, page or vmalloc
 * allocators that Memorizer watches, so recording can never recurse into
 * itself through its own bookkeeping.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../slab.h"
#include "memorizer.h"

#define MZ_POOL_DEFAULT		(256UL << 20)
#define MZ_POOL_MIN		(4UL << 20)
#define MZ_RESERVED_READERS	2

/*
 * Pool state and free lists: under mz_pool_lock, taken inside mz_lock (the
 * access hook makes records while holding mz_lock only shared), always with
 * irqs off. mz_pool_size/base are written once at boot before any hook runs.
 */
static DEFINE_RAW_SPINLOCK(mz_pool_lock);
static char *mz_pool_base;
static unsigned long mz_pool_size;
static unsigned long mz_pool_used;
static unsigned long mz_pool_requested;	/* from memalloc_size=, 0: default */

/* Free lists, linked through the first word of each record. */
static void *mz_free_objs;
static void *mz_free_accesses;
static void *mz_free_pages;
static u64 mz_nr_free_objs;
static u64 mz_nr_free_accesses;

/* Interned slab cache names; under mz_lock exclusive. Index 0 is "no-slab". */
struct mz_slab_name {
	const struct kmem_cache *cache;
	char name[MZ_SLAB_NAME_LEN];
};

static struct mz_slab_name *mz_names;
static unsigned int mz_nr_names;

/*
 * memalloc_size=<n>: pool size. A plain number is in GiB (as on the original
 * Memorizer); a suffix (K, M, G) is taken as memparse() takes it.
 */
static int __init mz_parse_memalloc_size(char *arg)
{
	char *end;
	unsigned long long v;

	if (!arg)
		return -EINVAL;
	v = memparse(arg, &end);
	if (end == arg)
		return -EINVAL;
	if (!*end && !strpbrk(arg, "kKmMgGtTpPeE"))
		v <<= 30;
	mz_pool_requested = v;
	return 0;
}
early_param("memalloc_size", mz_parse_memalloc_size);

static void *mz_bump(unsigned long size, unsigned long align)
{
	unsigned long start = ALIGN(mz_pool_used, align);

	lockdep_assert_held(&mz_pool_lock);
	if (start + size > mz_pool_size)
		return NULL;
	mz_pool_used = start + size;
	return mz_pool_base + start;
}

/* Called once from mm_init(), before the buddy allocator takes over. */
int __init mz_pool_reserve(void)
{
	unsigned long want = mz_pool_requested;
	unsigned long ram = memblock_phys_mem_size();
	int i;

	if (!want)
		want = min(MZ_POOL_DEFAULT, ram / 4);
	want = PAGE_ALIGN(want);
	while (want >= MZ_POOL_MIN) {
		mz_pool_base = memblock_alloc_raw(want, PAGE_SIZE);
		if (mz_pool_base)
			break;
		want >>= 1;
	}
	if (!mz_pool_base) {
		pr_err("cannot reserve a pool; Memorizer is off\n");
		return -ENOMEM;
	}
	mz_pool_size = want;

	raw_spin_lock(&mz_pool_lock);
	mz_names = mz_bump(sizeof(*mz_names) * MZ_NR_SLAB_NAMES, 64);
	memset(mz_names, 0, sizeof(*mz_names) * MZ_NR_SLAB_NAMES);
	strscpy(mz_names[0].name, "no-slab", MZ_SLAB_NAME_LEN);
	mz_nr_names = 1;
	/*
	 * Pages are only ever used for kmap readers (two each): keep enough
	 * on the free list that the kmap stays readable when the pool is full.
	 */
	for (i = 0; i < 2 * MZ_RESERVED_READERS; i++) {
		void *p = mz_bump(PAGE_SIZE, PAGE_SIZE);

		if (p) {
			*(void **)p = mz_free_pages;
			mz_free_pages = p;
		}
	}
	raw_spin_unlock(&mz_pool_lock);
	pr_info("reserved a %lu MiB pool at %p\n", want >> 20, mz_pool_base);
	return 0;
}

bool mz_pool_ready(void)
{
	return mz_pool_base != NULL;
}

/* @size zeroed, page-aligned bytes from the bump allocator, never freed. */
static void *mz_bump_zeroed(unsigned long size)
{
	void *p;

	raw_spin_lock(&mz_pool_lock);
	p = mz_bump(size, PAGE_SIZE);
	raw_spin_unlock(&mz_pool_lock);
	if (p)
		memset(p, 0, size);
	return p;
}

/* Boot-time tables (the access hash). */
void *__init mz_pool_alloc_zeroed(unsigned long size)
{
	return mz_bump_zeroed(size);
}

/*
 * A page for a table that only grows (global_table): from the bump
 * allocator only, so that the pages kept for readers stay.
 */
void *mz_pool_alloc_table_page(void)
{
	return mz_bump_zeroed(PAGE_SIZE);
}

/* Zeroed page for a kmap reader (struct mz_reader or its buffer). */
void *mz_pool_alloc_page(void)
{
	void *p;

	raw_spin_lock(&mz_pool_lock);
	p = mz_free_pages;
	if (p)
		mz_free_pages = *(void **)p;
	else
		p = mz_bump(PAGE_SIZE, PAGE_SIZE);
	raw_spin_unlock(&mz_pool_lock);
	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

void mz_pool_free_page(void *p)
{
	raw_spin_lock(&mz_pool_lock);
	*(void **)p = mz_free_pages;
	mz_free_pages = p;
	raw_spin_unlock(&mz_pool_lock);
}

struct mz_obj *mz_obj_alloc(void)
{
	struct mz_obj *o;

	raw_spin_lock(&mz_pool_lock);
	o = mz_free_objs;
	if (o) {
		mz_free_objs = *(void **)o;
		mz_nr_free_objs--;
	} else {
		o = mz_bump(sizeof(*o), __alignof__(*o));
	}
	raw_spin_unlock(&mz_pool_lock);
	return o;
}

void mz_obj_free(struct mz_obj *o)
{
	raw_spin_lock(&mz_pool_lock);
	*(void **)o = mz_free_objs;
	mz_free_objs = o;
	mz_nr_free_objs++;
	raw_spin_unlock(&mz_pool_lock);
}

struct mz_access *mz_access_alloc(void)
{
	struct mz_access *a;

	raw_spin_lock(&mz_pool_lock);
	a = mz_free_accesses;
	if (a) {
		mz_free_accesses = *(void **)a;
		mz_nr_free_accesses--;
	} else {
		a = mz_bump(sizeof(*a), __alignof__(*a));
	}
	raw_spin_unlock(&mz_pool_lock);
	return a;
}

void mz_access_free(struct mz_access *a)
{
	raw_spin_lock(&mz_pool_lock);
	*(void **)a = mz_free_accesses;
	mz_free_accesses = a;
	mz_nr_free_accesses++;
	raw_spin_unlock(&mz_pool_lock);
}

/*
 * Cache names are interned by (cache pointer, name): a cache destroyed and
 * re-created at the same address under another name gets its own entry.
 */
u16 mz_slab_name_index(struct kmem_cache *s)
{
	unsigned int i, h;
	struct mz_slab_name *e;

	if (!s || !s->name)
		return 0;
	h = hash_ptr(s, 9);
	for (i = 0; i < MZ_NR_SLAB_NAMES; i++) {
		unsigned int slot = (h + i) % MZ_NR_SLAB_NAMES;

		if (slot == 0)
			continue;
		e = &mz_names[slot];
		if (!e->cache) {
			e->cache = s;
			strscpy(e->name, s->name, MZ_SLAB_NAME_LEN);
			mz_nr_names++;
			return slot;
		}
		if (e->cache == s &&
		    !strncmp(e->name, s->name, MZ_SLAB_NAME_LEN - 1))
			return slot;
	}
	return 0;
}

const char *mz_slab_name(u16 idx)
{
	if (idx >= MZ_NR_SLAB_NAMES || !mz_names[idx].name[0])
		return "no-slab";
	return mz_names[idx].name;
}

void mz_pool_stats(struct mz_stats *st)
{
	raw_spin_lock(&mz_pool_lock);
	st->pool_size = mz_pool_size;
	st->pool_used = mz_pool_used;
	st->pool_free_objs = mz_nr_free_objs;
	st->pool_free_accesses = mz_nr_free_accesses;
	raw_spin_unlock(&mz_pool_lock);
}
