// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one printer: kmap lines (variant E) and statistics, written either into
 * a buffer (debugfs) or to the console (printk), through struct mz_sink.
 *
 * kmap object line (11 fields, hex without 0x, 16 lower-case digits):
 *   alloc_ip,pid,va,size,alloc_index,free_index,free_ip,alloc_type,command,slabname,new_alloc_type
 * access line (two leading spaces):
 *   ip,writes,reads,pid
 *
 * A reader walks mz_objs once with a cursor entry linked into the list, so
 * the list may change between two read() calls and every object is still
 * seen exactly once, live or dead as it is when the cursor reaches it (a
 * free only marks an object dead where it is; a new one goes to the tail).
 * The object whose lines are being printed is pinned, so that a free or a
 * forget meanwhile does not give its record back under the reader. A dead
 * object is marked printed when its last line has been emitted, if it was
 * already dead when its object line was.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/stdarg.h>
#include <linux/string.h>

#include "memorizer.h"

static const char *const mz_type_names[MEMORIZER_NR_TYPES] = {
	[MEMORIZER_STACK] = "STACK",
	[MEMORIZER_STACK_FRAME] = "STACK_FRAME",
	[MEMORIZER_STACK_ARGS] = "STACK_ARGS",
	[MEMORIZER_STACK_PAGE] = "STACK_PAGE",
	[MEMORIZER_GEN_HEAP] = "GEN_HEAP",
	[MEMORIZER_UFO_HEAP] = "UFO_HEAP",
	[MEMORIZER_GLOBAL] = "GLOBAL",
	[MEMORIZER_KMALLOC] = "KMALLOC",
	[MEMORIZER_KMALLOC_ND] = "KMALLOC_ND",
	[MEMORIZER_KMEM_CACHE] = "KMEM_CACHE",
	[MEMORIZER_KMEM_CACHE_ND] = "KMEM_CACHE_ND",
	[MEMORIZER_KMEM_CACHE_BULK] = "KMEM_CACHE_BULK",
	[MEMORIZER_VMALLOC] = "VMALLOC",
	[MEMORIZER_ALLOC_PAGES] = "ALLOC_PAGES",
	[MEMORIZER_ALLOC_PAGES_EXACT] = "ALLOC_PAGES_EXACT",
	[MEMORIZER_ALLOC_PAGES_GETFREEPAGES] = "ALLOC_PAGES_GETFREEPAGES",
	[MEMORIZER_ALLOC_PAGES_FOLIO] = "ALLOC_PAGES_FOLIO",
	[MEMORIZER_INDUCED_ALLOC] = "INDUCED_ALLOC",
	[MEMORIZER_BOOTMEM] = "BOOTMEM",
	[MEMORIZER_MEMBLOCK] = "MEMBLOCK",
	[MEMORIZER_UFO_MEMBLOCK] = "UFO_MEMBLOCK",
	[MEMORIZER_MEMORIZER] = "MEMORIZER",
	[MEMORIZER_USER] = "USER",
	[MEMORIZER_BUG] = "BUG",
	[MEMORIZER_UFO_GLOBAL] = "UFO_GLOBAL",
	[MEMORIZER_UFO_NONE] = "UFO_NONE",
	[MEMORIZER_NONE] = "NONE",
};

/* Type name; "" for MEMORIZER_NR_TYPES (no new_alloc_type). */
const char *mz_type_name(unsigned int type)
{
	if (type == MEMORIZER_NR_TYPES)
		return "";
	if (type > MEMORIZER_NR_TYPES || !mz_type_names[type])
		return "ALLOC TYPE NOT FOUND";
	return mz_type_names[type];
}

static __printf(2, 3) void mz_emit(struct mz_sink *sk, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	if (sk->seq)
		seq_vprintf(sk->seq, fmt, args);
	else if (sk->buf)
		sk->len += vscnprintf(sk->buf + sk->len, sk->size - sk->len,
				      fmt, args);
	else
		vprintk(fmt, args);
	va_end(args);
}

void mz_print_obj(struct mz_sink *sk, const struct mz_obj *o)
{
	mz_emit(sk, "%016lx,%d,%016lx,%lu,%llu,%llu,%016lx,%s,%s,%s,%s\n",
		o->alloc_ip, o->pid, o->va, o->size, o->alloc_index,
		o->free_index, o->free_ip, mz_type_name(o->type), o->comm,
		mz_slab_name(o->slab), mz_type_name(o->new_type));
}

void mz_print_access(struct mz_sink *sk, const struct mz_access *a)
{
	mz_emit(sk, "  %016lx,%u,%u,%d\n", a->ip, a->writes, a->reads, a->pid);
}

void mz_print_stats(struct mz_sink *sk, const struct mz_stats *st)
{
	mz_emit(sk, "memorizer_enabled: %d\n", st->enabled);
	mz_emit(sk, "log_accesses_enabled: %d\n", st->log_accesses);
	mz_emit(sk, "log_live_enabled: %d\n", st->log_live);
	mz_emit(sk, "pool_exhausted: %d\n", st->exhausted);
	mz_emit(sk, "allocs_seen: %llu\n", st->allocs_seen);
	mz_emit(sk, "allocs_recorded: %llu\n", st->allocs_recorded);
	mz_emit(sk, "frees_seen: %llu\n", st->frees_seen);
	mz_emit(sk, "frees_recorded: %llu\n", st->frees_recorded);
	mz_emit(sk, "frees_unknown: %llu\n", st->frees_unknown);
	mz_emit(sk, "accesses_seen: %llu\n", st->accesses_seen);
	mz_emit(sk, "accesses_recorded: %llu\n", st->accesses_recorded);
	mz_emit(sk, "accesses_unattributed: %llu\n", st->accesses_unattributed);
	mz_emit(sk, "accesses_quiet: %llu\n", st->accesses_quiet);
	mz_emit(sk, "overlaps_closed: %llu\n", st->overlaps_closed);
	mz_emit(sk, "dropped_objects: %llu\n", st->dropped_objects);
	mz_emit(sk, "dropped_accesses: %llu\n", st->dropped_accesses);
	mz_emit(sk, "live_objects: %llu\n", st->live_objects);
	mz_emit(sk, "dead_objects: %llu\n", st->dead_objects);
	mz_emit(sk, "access_records: %llu\n", st->access_records);
	mz_emit(sk, "index: %llu\n", st->index);
	mz_emit(sk, "pool_bytes: %llu\n", st->pool_size);
	mz_emit(sk, "pool_used_bytes: %llu\n", st->pool_used);
	mz_emit(sk, "pool_free_objects: %llu\n", st->pool_free_objs);
	mz_emit(sk, "pool_free_accesses: %llu\n", st->pool_free_accesses);
	mz_emit(sk, "kmap_readers: %d\n", st->readers);
}

int mz_reader_open(struct mz_reader **rp)
{
	struct mz_reader *r;
	unsigned long flags;
	char *buf;

	BUILD_BUG_ON(sizeof(*r) > PAGE_SIZE);
	if (!mz_enter(&flags))
		return -EBUSY;
	/* A clear is walking the list; the pins of mz_obj hold MZ_MAX_READERS. */
	if (mz_clearing || mz_stats.readers >= MZ_MAX_READERS) {
		mz_exit(flags);
		return -EBUSY;
	}
	r = mz_pool_alloc_page();
	buf = r ? mz_pool_alloc_page() : NULL;
	if (!buf) {
		if (r)
			mz_pool_free_page(r);
		mz_exit(flags);
		return -ENOMEM;
	}
	r->buf = buf;
	r->cursor.flags = MZ_F_CURSOR;
	r->end.flags = MZ_F_CURSOR;
	list_add(&r->cursor.list, &mz_objs);
	list_add_tail(&r->end.list, &mz_objs);
	mz_stats.readers++;
	mz_exit(flags);
	mutex_init(&r->lock);
	*rp = r;
	return 0;
}

/*
 * The taken objects whose lines user space has, i.e. those ending at or
 * before @read (bytes of buf read out), are printed; the rest are handed
 * back for the next read.
 */
static void mz_reader_settle(struct mz_reader *r, size_t read)
{
	int i;

	for (i = 0; i < r->ntaken; i++) {
		struct mz_obj *o = r->taken[i].obj;

		o->flags &= ~MZ_F_TAKEN;
		if (r->taken[i].end <= read)
			o->flags |= MZ_F_PRINTED;
		mz_unpin(o);
	}
	r->ntaken = 0;
}

void mz_reader_release(struct mz_reader *r)
{
	unsigned long flags;

	if (!mz_enter(&flags))
		return;	/* cannot happen from a syscall; leak rather than race */
	if (!r->done) {
		list_del(&r->cursor.list);
		list_del(&r->end.list);
	}
	mz_reader_settle(r, r->off);
	if (r->cur) {
		/* Its lines were not all read out: the next read prints it. */
		if (r->cur_dead)
			r->cur->flags &= ~MZ_F_TAKEN;
		mz_unpin(r->cur);
	}
	mz_stats.readers--;
	mz_pool_free_page(r->buf);
	mz_pool_free_page(r);
	mz_exit(flags);
}

/* Has the reader printed its last line? Under r->lock. */
bool mz_reader_done(struct mz_reader *r)
{
	return r->done;
}

/* Should a reader print @o? Dead ones only if no read has (or is) yet. */
static bool mz_reader_wants(const struct mz_obj *o)
{
	if (o->flags & MZ_F_CURSOR)
		return false;
	if (o->flags & MZ_F_DEAD)
		return !(o->flags & (MZ_F_PRINTED | MZ_F_TAKEN));
	return mz_should_print_live(o);
}

/*
 * Refill r->buf with the next lines; called once the previous buffer was
 * read out. Holds mz_lock for at most MZ_WALK_BATCH list steps plus one
 * buffer of lines, so r->len may be 0 before the end: mz_reader_done() tells.
 */
void mz_reader_fill(struct mz_reader *r)
{
	struct mz_sink sk = { .buf = r->buf, .size = PAGE_SIZE };
	struct list_head *next;
	unsigned long flags;
	struct mz_obj *o;
	int steps = 0;

	if (!mz_enter(&flags))
		return;
	mz_reader_settle(r, r->len);
	r->len = 0;
	r->off = 0;
	while (!r->done) {
		if (r->cur) {
			if (r->acur) {
				if (sk.size - sk.len < MZ_LINE_MAX)
					break;
				mz_print_access(&sk, r->acur);
				r->acur = r->acur->next;
				continue;
			}
			if (r->cur_dead) {
				/* Keeps the pin until settled. */
				r->taken[r->ntaken].obj = r->cur;
				r->taken[r->ntaken++].end = sk.len;
			} else {
				mz_unpin(r->cur);
			}
			r->cur = NULL;
		}
		if (sk.size - sk.len < MZ_LINE_MAX || r->ntaken == MZ_TAKEN_MAX ||
		    steps++ == MZ_WALK_BATCH)
			break;
		next = r->cursor.list.next;
		if (next == &r->end.list) {
			list_del(&r->cursor.list);
			list_del(&r->end.list);
			r->done = true;
			break;
		}
		/* Step the cursor over @next, then look at it. */
		list_move(&r->cursor.list, next);
		o = list_entry(next, struct mz_obj, list);
		if (!mz_reader_wants(o))
			continue;
		mz_print_obj(&sk, o);
		mz_pin(o);
		r->cur = o;
		r->cur_dead = o->flags & MZ_F_DEAD;
		if (r->cur_dead)
			o->flags |= MZ_F_TAKEN;
		r->acur = o->accesses;
	}
	r->len = sk.len;
	mz_exit(flags);
}
