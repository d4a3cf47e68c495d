// SPDX-License-Identifier: GPL-2.0-only
/*
 * The readers of kmap, kmap_stream, allocations and accesses: walks of
 * mz_objs that decide which objects are printed and what a read leaves
 * behind. The line formats are printer.c's.
 *
 * A reader walks mz_objs with a cursor entry linked into the list, so the
 * list may change between two read() calls and the reader still sees each
 * object at most once per walk, live or dead as it is when the cursor
 * reaches it (a free only marks an object dead where it is; a new one goes
 * to the tail). kmap, allocations and accesses walk up to a marker put at
 * the tail when the file opened, so they end however fast the kernel
 * allocates. The object whose lines are being printed is pinned, so that a
 * free or a forget meanwhile does not give its record back under the
 * reader. Each fill holds mz_lock for at most MZ_WALK_BATCH list steps plus
 * one buffer of lines.
 *
 * kmap and kmap_stream *take* a dead object when they print its line
 * (MZ_F_TAKEN: other such readers skip it) and settle it only once its last
 * line has left the buffer for user space; a reader closed before that
 * hands it back to the next read. What each kind prints, and leaves:
 *  - kmap: dead objects not printed before and live ones (all, or with
 *    log_live_enabled 0 only those recorded or accessed), each followed by
 *    its access lines; a dead object settles as printed;
 *  - kmap_stream: dead objects only, settled by giving them back to the pool
 *    (drained), for runs longer than the pool would hold. It never ends
 *    while recording may still produce more: at the end of the list it
 *    waits and walks again; once recording has been switched off since the
 *    file was opened, a whole walk that finds nothing ends it;
 *  - allocations and accesses: the split CSV pair, a header line and then
 *    the rows of the objects kmap would print, in the same order; they take
 *    nothing and mark nothing printed, so reading both gives the same
 *    objects, and a kmap read after them still has every dead object.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/kernel.h>
#include <linux/list.h>

#include "memorizer.h"

/* Does this kind of reader take the dead objects it prints? */
static bool mz_reader_takes(const struct mz_reader *r)
{
	return r->kind == MZ_READ_KMAP || r->kind == MZ_READ_STREAM;
}

static bool mz_reader_wants(const struct mz_reader *r, const struct mz_obj *o)
{
	if (o->flags & MZ_F_CURSOR)
		return false;
	if (o->flags & MZ_F_DEAD)
		return !(o->flags & MZ_F_PRINTED) &&
		       !((o->flags & MZ_F_TAKEN) && mz_reader_takes(r));
	return r->kind != MZ_READ_STREAM && mz_should_print_live(o);
}

int mz_reader_open(struct mz_reader **rp, enum mz_read_kind kind)
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
	r->kind = kind;
	r->stops_at_open = mz_recording_stops();
	r->pass_stops = r->stops_at_open;
	r->cursor.flags = MZ_F_CURSOR;
	list_add(&r->cursor.list, &mz_objs);
	if (kind != MZ_READ_STREAM) {
		r->end.flags = MZ_F_CURSOR;
		list_add_tail(&r->end.list, &mz_objs);
	}
	mz_stats.readers++;
	mz_exit(flags);
	mutex_init(&r->lock);
	*rp = r;
	return 0;
}

/*
 * The taken objects whose lines user space has, i.e. those ending at or
 * before @read (bytes of buf read out), are settled: printed, or for a
 * stream drained; the rest are handed back for the next read. Draining
 * gives an object's access records back at most MZ_WALK_BATCH per call: an
 * object with more stays in taken[] (printed, end 0) for the next call.
 * Under mz_lock exclusive.
 */
static void mz_reader_settle(struct mz_reader *r, size_t read)
{
	int i, kept = 0, budget = MZ_WALK_BATCH;

	for (i = 0; i < r->ntaken; i++) {
		struct mz_obj *o = r->taken[i].obj;

		o->flags &= ~MZ_F_TAKEN;
		if (r->taken[i].end > read) {
			mz_unpin(o);
			continue;
		}
		o->flags |= MZ_F_PRINTED;
		if (r->kind == MZ_READ_STREAM) {
			/*
			 * Another reader inside it (a kmap that reached it while
			 * live) walks its records: those go at its last unpin.
			 */
			if (o->pins == 1 && !mz_access_drop_some(o, &budget)) {
				r->taken[kept].obj = o;
				r->taken[kept++].end = 0;
				continue;
			}
			/*
			 * Drained: discarded while still pinned, so that the
			 * last reader inside it gives the record back on unpin.
			 */
			mz_discard(o);
		}
		mz_unpin(o);
	}
	r->ntaken = kept;
}

/* The cursor is done: off the list with the end marker. */
static void mz_reader_end(struct mz_reader *r)
{
	list_del(&r->cursor.list);
	if (r->kind != MZ_READ_STREAM)
		list_del(&r->end.list);
	r->done = true;
}

void mz_reader_release(struct mz_reader *r)
{
	unsigned long flags;

	if (!mz_enter(&flags))
		return;	/* cannot happen from a syscall; leak rather than race */
	if (!r->done)
		mz_reader_end(r);
	mz_reader_settle(r, r->off);
	/* Objects a stream had no time to drain stay printed, for the clears. */
	while (r->ntaken)
		mz_unpin(r->taken[--r->ntaken].obj);
	if (r->cur) {
		/* Its lines were not all read out: the next read prints it. */
		if (r->cur_dead && mz_reader_takes(r))
			r->cur->flags &= ~MZ_F_TAKEN;
		mz_unpin(r->cur);
	}
	mz_stats.readers--;
	mz_pool_free_page(r->buf);
	mz_pool_free_page(r);
	mz_exit(flags);
}

/*
 * Has the reader printed its last line, and (a stream) drained every object
 * it printed? Under r->lock.
 */
bool mz_reader_done(struct mz_reader *r)
{
	return r->done && !r->ntaken;
}

/*
 * A stream reader reached the end of the list without anything to print:
 * the caller should wait before the next fill. Clears the flag. Under r->lock.
 */
bool mz_reader_caught_up(struct mz_reader *r)
{
	bool ret = r->caught_up;

	r->caught_up = false;
	return ret;
}

/* A stream reader is at the end of the list: walk again, or end. */
static void mz_reader_pass_end(struct mz_reader *r)
{
	u64 stops = mz_recording_stops();

	if (!r->pass_drained && r->pass_stops != r->stops_at_open) {
		/* A whole walk after recording stopped found nothing. */
		mz_reader_end(r);
		return;
	}
	list_move(&r->cursor.list, &mz_objs);
	r->pass_drained = false;
	r->pass_stops = stops;
	r->caught_up = true;
}

/* The reader has printed the last line of r->cur. */
static void mz_reader_leave(struct mz_reader *r, size_t end)
{
	if (r->cur_dead && mz_reader_takes(r)) {
		/* Keeps the pin until settled. */
		r->taken[r->ntaken].obj = r->cur;
		r->taken[r->ntaken++].end = end;
	} else {
		mz_unpin(r->cur);
	}
	r->cur = NULL;
}

/*
 * Refill r->buf with the next lines; called once the previous buffer was
 * read out. r->len may be 0 before the end (a batch of objects not printed,
 * or a stream caught up): mz_reader_done() tells.
 */
void mz_reader_fill(struct mz_reader *r)
{
	struct mz_sink sk = { .buf = r->buf, .size = PAGE_SIZE };
	struct list_head *next, *end;
	unsigned long flags;
	struct mz_obj *o;
	int steps = 0;

	if (!mz_enter(&flags))
		return;
	mz_reader_settle(r, r->len);
	r->len = 0;
	r->off = 0;
	r->caught_up = false;	/* only a fill that ends a pass sets it */
	if (!r->header_done) {
		if (r->kind == MZ_READ_ALLOCATIONS || r->kind == MZ_READ_ACCESSES)
			mz_print_split_header(&sk, r->kind == MZ_READ_ALLOCATIONS,
					      mz_index_is_time());
		r->header_done = true;
	}
	end = r->kind == MZ_READ_STREAM ? &mz_objs : &r->end.list;
	while (!r->done) {
		if (r->cur) {
			if (r->acur) {
				if (sk.size - sk.len < MZ_LINE_MAX)
					break;
				if (r->kind == MZ_READ_ACCESSES)
					mz_print_split_access(&sk, r->cur, r->acur);
				else
					mz_print_access(&sk, r->acur);
				r->acur = r->acur->next;
				continue;
			}
			mz_reader_leave(r, sk.len);
		}
		if (sk.size - sk.len < MZ_LINE_MAX || r->ntaken == MZ_TAKEN_MAX ||
		    steps++ == MZ_WALK_BATCH)
			break;
		next = r->cursor.list.next;
		if (next == end) {
			if (r->kind == MZ_READ_STREAM)
				mz_reader_pass_end(r);
			else
				mz_reader_end(r);
			break;
		}
		/* Step the cursor over @next, then look at it. */
		list_move(&r->cursor.list, next);
		o = list_entry(next, struct mz_obj, list);
		if (!mz_reader_wants(r, o))
			continue;
		if (r->kind != MZ_READ_ACCESSES)
			mz_print_obj(&sk, o);
		if (r->kind == MZ_READ_ALLOCATIONS)
			continue;
		mz_pin(o);
		r->cur = o;
		r->cur_dead = o->flags & MZ_F_DEAD;
		if (r->cur_dead && mz_reader_takes(r)) {
			o->flags |= MZ_F_TAKEN;
			if (r->kind == MZ_READ_STREAM)
				r->pass_drained = true;
		}
		r->acur = o->accesses;
	}
	r->len = sk.len;
	mz_exit(flags);
}
