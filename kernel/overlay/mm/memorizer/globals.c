// SPDX-License-Identifier: GPL-2.0-only
/*
 * global_table: every global variable KASAN registered (the kernel's
 * constructors call __asan_register_globals() for each instrumented file),
 * with its name and source file, so that a GLOBAL object of the kmap, which
 * carries only an address and a size, can be named. One CSV line each:
 *   va,size,name,source
 * (va in 16 lower-case hex digits without 0x, as in the kmap), after a
 * header line naming those columns. Characters that would break a line or a
 * field (control bytes, commas) print as '?'.
 *
 * The table only grows (globals are registered at boot; this config has no
 * modules to unload). Entries live in pages from the pool, chained; a new
 * entry is written under mz_lock exclusive and then published by a release
 * store of mz_nr_globals, so a reader needs no lock: it reads entries below
 * an acquire load of the count. Names point into the kernel image.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>

#include "memorizer.h"

struct mz_global {
	unsigned long va;
	size_t size;
	const char *name;
	const char *module;
};

#define MZ_GLOBALS_PER_PAGE	((PAGE_SIZE - sizeof(void *)) / sizeof(struct mz_global))

struct mz_global_page {
	struct mz_global_page *next;
	struct mz_global g[MZ_GLOBALS_PER_PAGE];
};

/* Written under mz_lock exclusive; mz_nr_globals published with release. */
static struct mz_global_page *mz_globals_head, *mz_globals_tail;
static unsigned long mz_nr_globals;
static unsigned long mz_globals_dropped;	/* no page left in the pool */

void mz_global_add(unsigned long va, size_t size, const char *name,
		   const char *module)
{
	unsigned long n = mz_nr_globals, slot = n % MZ_GLOBALS_PER_PAGE;
	struct mz_global *g;

	lockdep_assert_held_write(&mz_lock);
	if (!slot) {
		struct mz_global_page *p = mz_pool_alloc_table_page();

		if (!p) {
			mz_globals_dropped++;
			return;
		}
		if (mz_globals_tail)
			mz_globals_tail->next = p;
		else
			mz_globals_head = p;
		mz_globals_tail = p;
	}
	g = &mz_globals_tail->g[slot];
	g->va = va;
	g->size = size;
	g->name = name;
	g->module = module;
	/* Publish the entry (and its page) to lockless readers. */
	smp_store_release(&mz_nr_globals, n + 1);
}

static const struct mz_global *mz_global_at(loff_t pos)
{
	struct mz_global_page *p;
	loff_t i;

	/*
	 * Pairs with mz_global_add(): entries below the count, and the pages
	 * that hold them, are complete; read the head only after it.
	 */
	if (pos < 0 || pos >= smp_load_acquire(&mz_nr_globals))
		return NULL;
	p = READ_ONCE(mz_globals_head);
	for (i = pos / MZ_GLOBALS_PER_PAGE; i > 0; i--)
		p = p->next;
	return &p->g[pos % MZ_GLOBALS_PER_PAGE];
}

/* Position 0 is the header; global k is at position k + 1. */
static void *mz_globals_start(struct seq_file *m, loff_t *pos)
{
	if (!*pos)
		return SEQ_START_TOKEN;
	return (void *)mz_global_at(*pos - 1);
}

static void *mz_globals_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return (void *)mz_global_at(*pos - 1);
}

static void mz_globals_stop(struct seq_file *m, void *v)
{
}

/* @s with control bytes and commas as '?', at most 127 bytes. */
static void mz_globals_put_name(struct seq_file *m, const char *s)
{
	char buf[128];
	size_t i;

	for (i = 0; s && s[i] && i < sizeof(buf) - 1; i++)
		buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
			  s[i] == ',') ? '?' : s[i];
	buf[i] = '\0';
	seq_puts(m, buf);
}

static int mz_globals_show(struct seq_file *m, void *v)
{
	const struct mz_global *g = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "va,size,name,source\n");
		return 0;
	}
	seq_printf(m, "%016lx,%zu,", g->va, g->size);
	mz_globals_put_name(m, g->name);
	seq_putc(m, ',');
	mz_globals_put_name(m, g->module);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations mz_globals_sops = {
	.start = mz_globals_start,
	.next = mz_globals_next,
	.stop = mz_globals_stop,
	.show = mz_globals_show,
};

int mz_global_table_open(struct file *file)
{
	if (READ_ONCE(mz_globals_dropped))
		pr_warn_once("global_table: %lu globals not listed (pool full at boot)\n",
			     READ_ONCE(mz_globals_dropped));
	return seq_open(file, &mz_globals_sops);
}
