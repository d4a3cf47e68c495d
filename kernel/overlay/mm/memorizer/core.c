// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memorizer core: the allocator and KASAN hooks, the recording modes and the
 * object lifecycle.
 *
 * Memorizer always knows which objects are live (so that an access can be
 * attributed to the right object whenever recording starts); the control
 * files decide what is *recorded*:
 *  - an allocation made while recording is on (for the current context) is
 *    marked MZ_F_RECORDED and is printed even when log_live_enabled is 0;
 *  - an access made while recording and logging accesses is counted against
 *    the live object containing the address;
 *  - a freed object is kept (marked dead where it is on mz_objs, for the
 *    next kmap read) if it was recorded, was accessed, or is freed while
 *    recording the whole system (mode 1); otherwise its record goes straight
 *    back to the pool.
 * Locking is described in memorizer.h: the access hook holds mz_lock shared,
 * everything else exclusive.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <asm/pgtable.h>
#include <asm/sections.h>

#include "../slab.h"
#include "memorizer.h"

DEFINE_RWLOCK(mz_lock);

/* Recursion guard, see memorizer.h; only touched with local irqs off. */
static DEFINE_PER_CPU(int, mz_busy);

DEFINE_PER_CPU(struct mz_pcpu_stats, mz_pcpu_stats);

/*
 * Quiet-section depth per context level (interrupt_context_level(): 0 task,
 * 1 softirq, 2 hardirq, 3 NMI). Changed only by the CPU's own code at that
 * level with preemption off (memorizer_quiet_begin/end), read by the access
 * hook with irqs off; a level's count is back to zero before the code at
 * that level returns, so an interrupt never sees its victim's count.
 */
static DEFINE_PER_CPU(u8 [4], mz_quiet);

/* Every object record, live or dead, in allocation order; under mz_lock. */
LIST_HEAD(mz_objs);

/*
 * A clear is walking mz_objs: no kmap reader may open (a reader's cursor and
 * pinned object must not meet a clear). Under mz_lock; clears themselves are
 * serialised by mz_clear_mutex.
 */
bool mz_clearing;
static DEFINE_MUTEX(mz_clear_mutex);

/* Counters and control state; under mz_lock (read locklessly where noted). */
struct mz_stats mz_stats;

/* Set once the pool exists; hooks do nothing before. Written once at boot. */
static bool mz_ready __read_mostly;

/*
 * Recording mode (memorizer_enabled): 0 off, 1 everything, 2 the target task,
 * its descendants and interrupt context, 3 the target and its descendants,
 * >3 that pid and its descendants. Written under mz_lock, read locklessly.
 */
static int mz_mode __read_mostly;
static pid_t mz_target __read_mostly;	/* tgid for modes 2, 3 and pid modes */
static bool mz_log_accesses __read_mostly;
static bool mz_log_live __read_mostly = true;
/*
 * The pool ran out: set once by whichever CPU sees it first (xchg, as the
 * access hook holds mz_lock only shared), cleared on re-enable under mz_lock.
 */
static bool mz_exhausted;
static bool mz_warn_pending;		/* print the exhaustion warning; xchg */
/*
 * Times recording went from on to off (a write of 0, the pool running out):
 * a kmap_stream reader ends once recording stopped after it opened. Written
 * under mz_lock (shared only by the one CPU that claims the exhaustion).
 */
static u64 mz_stops;
static bool mz_index_time;		/* memorizer_index_type=time */

/* Lockless gate of the access hook, see include/linux/memorizer.h. */
bool memorizer_log_on __read_mostly;

static int __init mz_parse_bool(char *arg, bool *out)
{
	if (!arg)
		return -EINVAL;
	if (!strcmp(arg, "yes") || !strcmp(arg, "1") || !strcmp(arg, "on"))
		*out = true;
	else if (!strcmp(arg, "no") || !strcmp(arg, "0") || !strcmp(arg, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int __init mz_parse_enabled_boot(char *arg)
{
	bool on;
	int ret = mz_parse_bool(arg, &on);

	if (!ret)
		mz_mode = on ? 1 : 0;
	return ret;
}
early_param("memorizer_enabled_boot", mz_parse_enabled_boot);

static int __init mz_parse_log_boot(char *arg)
{
	return mz_parse_bool(arg, &mz_log_accesses);
}
early_param("mem_log_boot", mz_parse_log_boot);

static int __init mz_parse_index_type(char *arg)
{
	if (arg && !strcmp(arg, "time"))
		mz_index_time = true;
	else if (arg && !strcmp(arg, "serial"))
		mz_index_time = false;
	else
		return -EINVAL;
	return 0;
}
early_param("memorizer_index_type", mz_parse_index_type);

/*
 * Recompute the access gate; caller holds mz_lock (shared only when the pool
 * just ran out, and then every CPU computes the same value).
 */
static void mz_update_gate(void)
{
	WRITE_ONCE(memorizer_log_on,
		   mz_ready && mz_mode && mz_log_accesses && !mz_exhausted);
}

/* Counters plus control state and pool use, as the printer shows them. */
static void mz_fill_stats(struct mz_stats *out)
{
	int cpu;

	*out = mz_stats;
	for_each_possible_cpu(cpu) {
		const struct mz_pcpu_stats *c = per_cpu_ptr(&mz_pcpu_stats, cpu);

		out->accesses_seen += READ_ONCE(c->accesses_seen);
		out->accesses_recorded += READ_ONCE(c->accesses_recorded);
		out->accesses_unattributed += READ_ONCE(c->accesses_unattributed);
		out->accesses_quiet += READ_ONCE(c->accesses_quiet);
		out->dropped_accesses += READ_ONCE(c->dropped_accesses);
		out->access_records += READ_ONCE(c->access_records);
	}
	mz_pool_stats(out);
	out->enabled = READ_ONCE(mz_mode);
	out->log_accesses = READ_ONCE(mz_log_accesses);
	out->log_live = READ_ONCE(mz_log_live);
	out->exhausted = mz_exhausted;
}

/* Irqs off and mz_busy set, unless this CPU is already inside Memorizer. */
static bool mz_busy_begin(unsigned long *flags)
{
	if (unlikely(!mz_ready || in_nmi()))
		return false;
	raw_local_irq_save(*flags);
	if (__this_cpu_read(mz_busy)) {
		raw_local_irq_restore(*flags);
		return false;
	}
	/* Before the lock: its own instrumented atomics must not recurse. */
	__this_cpu_write(mz_busy, 1);
	return true;
}

static void mz_busy_end(unsigned long flags)
{
	if (unlikely(READ_ONCE(mz_warn_pending)) && xchg(&mz_warn_pending, false)) {
		/*
		 * Still busy: printk's own allocations are not recorded. The
		 * hook may run under any lock, the console driver's port lock
		 * or a runqueue lock included, so the console is written later
		 * (deferred printk), never from here.
		 */
		struct mz_sink console = { };
		struct mz_stats st;

		mz_fill_stats(&st);
		printk_deferred_enter();
		pr_warn("pool of %llu MiB exhausted: recording stopped; clear objects and re-enable (memalloc_size= for more)\n",
			st.pool_size >> 20);
		mz_print_stats(&console, &st);
		printk_deferred_exit();
	}
	__this_cpu_write(mz_busy, 0);
	raw_local_irq_restore(flags);
}

/* mz_lock exclusive: everything but the access hook. */
bool mz_enter(unsigned long *flags)
{
	if (!mz_busy_begin(flags))
		return false;
	write_lock(&mz_lock);
	return true;
}

void mz_exit(unsigned long flags)
{
	write_unlock(&mz_lock);
	mz_busy_end(flags);
}

/* mz_lock shared: the access hook only (see memorizer.h). */
bool mz_enter_shared(unsigned long *flags)
{
	if (!mz_busy_begin(flags))
		return false;
	read_lock(&mz_lock);
	return true;
}

void mz_exit_shared(unsigned long flags)
{
	read_unlock(&mz_lock);
	mz_busy_end(flags);
}

/* A kmap reader prints @o's lines over several holds of mz_lock: keep it. */
void mz_pin(struct mz_obj *o)
{
	lockdep_assert_held_write(&mz_lock);
	o->pins++;
}

void mz_unpin(struct mz_obj *o)
{
	lockdep_assert_held_write(&mz_lock);
	if (!--o->pins && (o->flags & MZ_F_ORPHAN)) {
		mz_access_drop_all(o);
		mz_obj_free(o);
	}
}

/*
 * Take @o, already out of the tree and the live count, off mz_objs for good:
 * back to the pool, or, while a reader is inside it, left to its last unpin.
 */
static void mz_drop(struct mz_obj *o)
{
	list_del(&o->list);
	if (o->pins) {
		o->flags |= MZ_F_ORPHAN;
		return;
	}
	mz_access_drop_all(o);
	mz_obj_free(o);
}

/*
 * Pool ran dry: stop recording once, loudly; keep counting drops. Called with
 * mz_lock held shared (access hook) or exclusive.
 */
static void mz_out_of_memory(void)
{
	if (READ_ONCE(mz_exhausted) || xchg(&mz_exhausted, true))
		return;
	WRITE_ONCE(mz_warn_pending, true);
	if (READ_ONCE(mz_mode))
		WRITE_ONCE(mz_stops, mz_stops + 1);
	WRITE_ONCE(mz_mode, 0);
	WRITE_ONCE(mz_log_accesses, false);
	mz_update_gate();
}

static u64 mz_next_index(void)
{
	mz_stats.index++;
	return mz_index_time ? get_jiffies_64() : mz_stats.index;
}

/* Is @t, or one of its ancestors, the target task? Caller has irqs off. */
static bool mz_task_followed(struct task_struct *t, pid_t target)
{
	bool found = false;
	int depth = 0;

	rcu_read_lock();
	while (t && t->pid && depth++ < 64) {
		if (t->tgid == target || t->pid == target) {
			found = true;
			break;
		}
		t = rcu_dereference(t->real_parent);
	}
	rcu_read_unlock();
	return found;
}

/* Should the current context be recorded under the current mode? */
static bool mz_recording(void)
{
	int mode = READ_ONCE(mz_mode);

	if (!mode)
		return false;
	if (mode == 1)
		return true;
	if (!in_task())
		return mode == 2;
	return mz_task_followed(current, READ_ONCE(mz_target));
}

static void mz_set_task(struct mz_obj *o)
{
	if (in_hardirq()) {
		o->pid = 0;
		strscpy(o->comm, "hardirq", sizeof(o->comm));
	} else if (in_serving_softirq()) {
		o->pid = 0;
		strscpy(o->comm, "softirq", sizeof(o->comm));
	} else {
		unsigned char *c;

		o->pid = current->pid;
		memcpy(o->comm, current->comm, sizeof(o->comm));
		o->comm[sizeof(o->comm) - 1] = '\0';
		/*
		 * Any task can name itself (PR_SET_NAME): a newline or another
		 * control byte would break the kmap's line structure.
		 */
		for (c = (unsigned char *)o->comm; *c; c++)
			if (*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
}

/*
 * A live object (out of the tree) was freed: keep it, dead, where it is on
 * mz_objs if it carries information, else give the record back.
 */
static void mz_retire(struct mz_obj *o, u64 index, unsigned long ip,
		      bool keep)
{
	lockdep_assert_held_write(&mz_lock);
	mz_stats.live_objects--;
	if (!keep && !(o->flags & MZ_F_RECORDED) && !o->accesses) {
		mz_drop(o);
		return;
	}
	o->free_index = index;
	o->free_ip = ip;
	o->flags |= MZ_F_DEAD;
	mz_stats.dead_objects++;
}

/* Discard a dead record and its accesses for good (clear operations). */
void mz_discard(struct mz_obj *o)
{
	lockdep_assert_held_write(&mz_lock);
	mz_stats.dead_objects--;
	mz_drop(o);
}

/* Close live objects overlapping [va, va + span): their free went unseen. */
static void mz_close_overlaps(unsigned long va, unsigned long span, u8 type,
			      u64 index)
{
	struct mz_obj *o;

	while ((o = mz_first_overlap(va, va + span))) {
		mz_tree_remove(o);
		o->new_type = type;
		mz_stats.overlaps_closed++;
		mz_retire(o, index, o->va == va ? MZ_FREE_IP_NESTED :
			  MZ_FREE_IP_OVERLAP, false);
	}
}

static void mz_track(unsigned long va, unsigned long size, unsigned long span,
		     unsigned long ip, u8 type, u16 slab)
{
	struct mz_obj *o;
	u64 index;

	mz_stats.allocs_seen++;
	index = mz_next_index();
	if (!span)
		span = 1;
	mz_close_overlaps(va, span, type, index);
	o = mz_obj_alloc();
	if (!o) {
		mz_stats.dropped_objects++;
		mz_out_of_memory();
		return;
	}
	memset(o, 0, sizeof(*o));
	RB_CLEAR_NODE(&o->rb);
	o->va = va;
	o->span = span;
	o->size = size;
	o->alloc_ip = ip;
	o->alloc_index = index;
	o->type = type;
	o->new_type = MEMORIZER_NR_TYPES;	/* none */
	o->slab = slab;
	mz_set_task(o);
	if (mz_recording()) {
		o->flags |= MZ_F_RECORDED;
		mz_stats.allocs_recorded++;
	}
	mz_tree_insert(o);
	list_add_tail(&o->list, &mz_objs);
	mz_stats.live_objects++;
}

void memorizer_slab_alloc(struct kmem_cache *s, const void *obj, size_t size,
			  unsigned long ip, enum memorizer_type type)
{
	unsigned long flags;

	if (!obj || !mz_enter(&flags))
		return;
	mz_track((unsigned long)obj, size, s->object_size, ip, type,
		 mz_slab_name_index(s));
	mz_exit(flags);
}

void memorizer_page_alloc(struct page *page, unsigned int order,
			  unsigned long ip)
{
	unsigned long flags;

	if (!page || PageHighMem(page) || !mz_enter(&flags))
		return;
	mz_track((unsigned long)page_address(page), PAGE_SIZE << order,
		 PAGE_SIZE << order, ip, MEMORIZER_ALLOC_PAGES, 0);
	mz_exit(flags);
}

void memorizer_vmalloc(const void *addr, size_t size, size_t span,
		       unsigned long ip)
{
	unsigned long flags;

	if (!addr || !mz_enter(&flags))
		return;
	mz_track((unsigned long)addr, size, span, ip, MEMORIZER_VMALLOC, 0);
	mz_exit(flags);
}

/*
 * The constructor do_ctors() is running. Each compilation unit's constructor
 * tail-calls __asan_register_globals(), whose return address therefore names
 * do_ctors()'s caller for every global; the constructor itself says which
 * unit a global comes from. Written by do_ctors() at boot, before any other
 * task or CPU runs; read under mz_lock. 0 outside it: call site 0, as the
 * original records every global.
 */
static unsigned long mz_ctor_ip;

void memorizer_ctor(void (*fn)(void))
{
	WRITE_ONCE(mz_ctor_ip, (unsigned long)fn);
}

void memorizer_global(const void *addr, size_t size, const char *name,
		      const char *module)
{
	unsigned long flags;

	if (!addr || !mz_enter(&flags))
		return;
	mz_track((unsigned long)addr, size, size, READ_ONCE(mz_ctor_ip),
		 MEMORIZER_GLOBAL, 0);
	mz_global_add((unsigned long)addr, size, name, module);
	mz_exit(flags);
}

/*
 * A wrapper learnt more about an allocation the page allocator just recorded
 * (kmalloc_large, __get_free_pages, alloc_pages_exact, folios, thread
 * stacks): update type, call site and sizes. @ip, @size or @span 0 keeps it.
 */
void memorizer_retype(const void *addr, size_t size, size_t span,
		      unsigned long ip, enum memorizer_type type)
{
	unsigned long flags;
	struct mz_obj *o;

	if (!addr || !mz_enter(&flags))
		return;
	o = mz_lookup_exact((unsigned long)addr);
	if (o) {
		o->type = type;
		if (ip)
			o->alloc_ip = ip;
		if (size)
			o->size = size;
		if (span)
			o->span = span;
	}
	mz_exit(flags);
}

/* Not an object after all (a new slab's backing pages): drop the record. */
void memorizer_forget(const void *addr)
{
	unsigned long flags;
	struct mz_obj *o;

	if (!addr || !mz_enter(&flags))
		return;
	o = mz_lookup_exact((unsigned long)addr);
	if (o) {
		mz_tree_remove(o);
		mz_stats.live_objects--;
		mz_stats.allocs_seen--;
		if (o->flags & MZ_F_RECORDED)
			mz_stats.allocs_recorded--;
		mz_drop(o);
	}
	mz_exit(flags);
}

static void mz_free(const void *addr, unsigned long ip, bool count_unknown)
{
	unsigned long flags;
	struct mz_obj *o;
	bool rec;

	if (ZERO_OR_NULL_PTR(addr) || !mz_enter(&flags))
		return;
	o = mz_lookup_exact((unsigned long)addr);
	if (!o) {
		if (count_unknown)
			mz_stats.frees_unknown++;
		goto out;
	}
	mz_stats.frees_seen++;
	rec = mz_recording();
	if (rec)
		mz_stats.frees_recorded++;
	mz_tree_remove(o);
	/*
	 * A free while recording the whole system keeps even an object that
	 * was allocated earlier and never touched; in the task modes such a
	 * free (e.g. a lazily dropped mm_struct of another task) is not kept.
	 */
	mz_retire(o, mz_next_index(), ip, rec && READ_ONCE(mz_mode) == 1);
out:
	mz_exit(flags);
}

/* An API-level free (kfree, kmem_cache_free, vfree, free_pages, ...). */
void memorizer_free(const void *addr, unsigned long ip)
{
	mz_free(addr, ip, true);
}

/*
 * Every page freed reaches free_pages_prepare(); most were already seen by
 * an API-level hook, so a miss here is normal and not counted.
 */
void memorizer_page_free(struct page *page, unsigned long ip)
{
	if (!PageHighMem(page))
		mz_free(page_address(page), ip, false);
}

/*
 * Catch-all objects (alloc_ip 0 in the kmap): accesses to memory that no
 * tracked object covers are counted against the region they fall in, so the
 * kmap still says which code touched struct pages, memblock tables, per-CPU
 * data or untracked parts of the kernel image. Each prints with va = the
 * start of its region and size 0. Set up once at boot; they sit at the head
 * of mz_objs, never in the tree, and are never freed.
 */
enum {
	MZ_CA_IMAGE,
	MZ_CA_LINEAR,
	MZ_CA_VMEMMAP,
	MZ_CA_VMALLOC,
	MZ_CA_OTHER,
	MZ_NR_CA,
};
static struct mz_obj *mz_catch_all[MZ_NR_CA] __read_mostly;

static void __init mz_catch_all_init(void)
{
	static const u8 types[MZ_NR_CA] __initconst = {
		[MZ_CA_IMAGE] = MEMORIZER_UFO_GLOBAL,
		[MZ_CA_LINEAR] = MEMORIZER_UFO_MEMBLOCK,
		[MZ_CA_VMEMMAP] = MEMORIZER_MEMBLOCK,
		[MZ_CA_VMALLOC] = MEMORIZER_UFO_HEAP,
		[MZ_CA_OTHER] = MEMORIZER_UFO_NONE,
	};
	unsigned long start[MZ_NR_CA] = {
		[MZ_CA_IMAGE] = (unsigned long)_text,
		[MZ_CA_LINEAR] = PAGE_OFFSET,
		[MZ_CA_VMEMMAP] = (unsigned long)VMEMMAP_START,
		[MZ_CA_VMALLOC] = VMALLOC_START,
	};
	unsigned long size[MZ_NR_CA] = {
		[MZ_CA_IMAGE] = (unsigned long)_end - (unsigned long)_text,
		[MZ_CA_LINEAR] = max_pfn << PAGE_SHIFT,
		[MZ_CA_VMEMMAP] = max_pfn * sizeof(struct page),
		[MZ_CA_VMALLOC] = VMALLOC_END - VMALLOC_START + 1,
	};
	int i;

	for (i = MZ_NR_CA - 1; i >= 0; i--) {
		struct mz_obj *o = mz_obj_alloc();

		if (!o)
			return;
		memset(o, 0, sizeof(*o));
		RB_CLEAR_NODE(&o->rb);
		o->va = start[i];
		o->span = size[i];
		o->size = 0;	/* not an allocation: keep byte totals honest */
		o->type = types[i];
		o->new_type = MEMORIZER_NR_TYPES;
		o->flags = MZ_F_CATCH_ALL;
		list_add(&o->list, &mz_objs);
		mz_catch_all[i] = o;
	}
}

static struct mz_obj *mz_catch_all_for(unsigned long addr)
{
	int i;

	for (i = 0; i < MZ_CA_OTHER; i++) {
		struct mz_obj *o = mz_catch_all[i];

		if (o && addr - o->va < o->span)
			return o;
	}
	return mz_catch_all[MZ_CA_OTHER];
}

/*
 * Count one access. mz_lock is held shared: several CPUs count at once, and
 * allocations and frees wait (see memorizer.h for what protects what).
 *
 * Called from __asan_{load,store}N, possibly inside a user_access_begin()
 * region: clear AC for the body, like kasan_report() does (objtool knows this
 * function as uaccess-safe, see tools/objtool/check.c).
 */
void __memorizer_access(unsigned long addr, size_t size, bool write,
			unsigned long ip)
{
	unsigned long ua_flags = user_access_save();
	unsigned long flags;
	struct mz_obj *o;

	if (!mz_enter_shared(&flags))
		goto restore;
	__this_cpu_inc(mz_pcpu_stats.accesses_seen);
	/*
	 * Again under the lock: a CPU that passed the lockless gate and then
	 * waited for the lock must not count after access logging was turned
	 * off (the writer of the control file held the lock exclusively).
	 */
	if (!mz_recording() || !READ_ONCE(mz_log_accesses))
		goto out;
	/*
	 * Instrumentation's own reads (a quiet section) and code that turned
	 * KASAN off for its task (kasan_disable_current(): current's count is
	 * only the task's own when in task context) are not the workload's.
	 */
	if (__this_cpu_read(mz_quiet[interrupt_context_level()]) ||
	    (in_task() && current->kasan_depth)) {
		__this_cpu_inc(mz_pcpu_stats.accesses_quiet);
		goto out;
	}
	o = mz_lookup(addr);
	if (!o) {
		__this_cpu_inc(mz_pcpu_stats.accesses_unattributed);
		o = mz_catch_all_for(addr);
		if (!o)
			goto out;
	}
	if (!mz_access_count(o, ip, in_task() ? current->pid : -1, write)) {
		__this_cpu_inc(mz_pcpu_stats.dropped_accesses);
		mz_out_of_memory();
		goto out;
	}
	__this_cpu_inc(mz_pcpu_stats.accesses_recorded);
out:
	mz_exit_shared(flags);
restore:
	user_access_restore(ua_flags);
}

void memorizer_quiet_begin(void)
{
	preempt_disable();
	__this_cpu_inc(mz_quiet[interrupt_context_level()]);
}

void memorizer_quiet_end(void)
{
	__this_cpu_dec(mz_quiet[interrupt_context_level()]);
	preempt_enable();
}

/* ---- control, called from debugfs.c ---- */

int mz_set_enabled(long mode)
{
	unsigned long flags;

	if (mode < 0 || mode > PID_MAX_LIMIT)
		return -EINVAL;
	if (!mz_enter(&flags))
		return -EBUSY;
	if (mode >= 2)
		WRITE_ONCE(mz_target, mode > 3 ? (pid_t)mode : current->tgid);
	if (!mode && mz_mode)
		WRITE_ONCE(mz_stops, mz_stops + 1);
	WRITE_ONCE(mz_mode, (int)mode);
	if (mode)
		mz_exhausted = false;
	mz_update_gate();
	mz_exit(flags);
	return 0;
}

void mz_set_log_accesses(bool on)
{
	unsigned long flags;

	if (!mz_enter(&flags))
		return;
	WRITE_ONCE(mz_log_accesses, on);
	mz_update_gate();
	mz_exit(flags);
}

void mz_set_log_live(bool on)
{
	WRITE_ONCE(mz_log_live, on);
}

/*
 * A clear walks mz_objs from the head to a marker put at the tail when it
 * starts (objects allocated meanwhile are not its business, and the walk
 * ends even while the list grows), at most MZ_WALK_BATCH steps per hold of
 * mz_lock, with interrupts back on and a chance to reschedule in between.
 * Its position is a marker too (MZ_F_CURSOR, skipped by every walk). It is
 * refused while a kmap reader is open (a reader's cursor and the object it
 * is inside must not meet a clear), and no reader opens until it is done.
 *
 * The budget of a hold counts access records given back as well as list
 * steps: an object whose records @act will drop (@drops says which) has
 * them dropped first, at most the budget's worth per hold (a catch-all can
 * hold 10^5), and @act runs once it has none left.
 */
static int mz_clear_walk(bool (*drops)(const struct mz_obj *o),
			 void (*act)(struct mz_obj *o))
{
	struct mz_obj pos = { .flags = MZ_F_CURSOR };
	struct mz_obj end = { .flags = MZ_F_CURSOR };
	struct list_head *next;
	unsigned long flags;
	bool more = true;
	int budget;

	mutex_lock(&mz_clear_mutex);
	if (!mz_enter(&flags)) {
		mutex_unlock(&mz_clear_mutex);
		return -EBUSY;
	}
	if (mz_stats.readers) {
		mz_exit(flags);
		mutex_unlock(&mz_clear_mutex);
		return -EBUSY;
	}
	mz_clearing = true;
	list_add(&pos.list, &mz_objs);
	list_add_tail(&end.list, &mz_objs);
	mz_exit(flags);

	while (more) {
		cond_resched();
		/* Fails only inside Memorizer or in NMI: not from a syscall. */
		if (!mz_enter(&flags))
			continue;
		for (budget = MZ_WALK_BATCH; budget > 0; budget--) {
			struct mz_obj *o;

			next = pos.list.next;
			if (next == &end.list) {
				more = false;
				break;
			}
			o = list_entry(next, struct mz_obj, list);
			if (o->flags & MZ_F_CURSOR) {
				list_move(&pos.list, next);
				continue;
			}
			if (drops(o) && !mz_access_drop_some(o, &budget))
				break;	/* the rest of its records next hold */
			/* Step over @o first: act() may take it off the list. */
			list_move(&pos.list, next);
			act(o);
		}
		if (!more) {
			list_del(&pos.list);
			list_del(&end.list);
			mz_clearing = false;
		}
		mz_exit(flags);
	}
	mutex_unlock(&mz_clear_mutex);
	return 0;
}

static bool mz_clear_dead_drops(const struct mz_obj *o)
{
	return o->flags & MZ_F_DEAD;
}

static void mz_clear_dead_one(struct mz_obj *o)
{
	if (o->flags & MZ_F_DEAD)
		mz_discard(o);
}

/* Drop every dead object. Refused while a kmap reader is open. */
int mz_clear_dead(void)
{
	return mz_clear_walk(mz_clear_dead_drops, mz_clear_dead_one);
}

static bool mz_clear_printed_drops(const struct mz_obj *o)
{
	return !(o->flags & MZ_F_DEAD) || (o->flags & MZ_F_PRINTED);
}

static void mz_clear_printed_one(struct mz_obj *o)
{
	if (o->flags & MZ_F_DEAD) {
		if (o->flags & MZ_F_PRINTED)
			mz_discard(o);
		return;
	}
	mz_access_drop_all(o);
	o->flags &= ~MZ_F_RECORDED;
}

/*
 * Drop dead objects already printed; forget the accesses and the "recorded"
 * mark of live ones, so the next kmap shows only what happens from now on.
 */
int mz_clear_printed(void)
{
	return mz_clear_walk(mz_clear_printed_drops, mz_clear_printed_one);
}

u64 mz_recording_stops(void)
{
	return READ_ONCE(mz_stops);
}

bool mz_index_is_time(void)
{
	return mz_index_time;
}

void mz_stats_snapshot(struct mz_stats *out)
{
	unsigned long flags;

	if (!mz_enter(&flags)) {
		memset(out, 0, sizeof(*out));
		return;
	}
	mz_fill_stats(out);
	mz_exit(flags);
}

bool mz_should_print_live(const struct mz_obj *o)
{
	return READ_ONCE(mz_log_live) || (o->flags & MZ_F_RECORDED) ||
	       o->accesses;
}

/* From mm_init(), right after kfence_alloc_pool(): memblock is still up. */
void __init memorizer_alloc_pool(void)
{
	if (mz_pool_reserve())
		return;
	if (mz_lookup_init()) {
		pr_err("pool too small for the access table; Memorizer is off\n");
		return;
	}
	mz_catch_all_init();
	WRITE_ONCE(mz_ready, true);
	mz_update_gate();
	pr_info("ready: recording %s, access logging %s, %s index\n",
		mz_mode ? "on" : "off", mz_log_accesses ? "on" : "off",
		mz_index_time ? "time" : "serial");
}
