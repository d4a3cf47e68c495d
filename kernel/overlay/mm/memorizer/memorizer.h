/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memorizer internals shared by core.c, lookup.c, pool.c, printer.c,
 * reader.c, globals.c and debugfs.c.
 *
 * Locking. mz_lock is a reader-writer lock, always taken with local
 * interrupts disabled:
 *  - shared (mz_enter_shared()): only the access hook. It finds the live
 *    object and counts the access; many CPUs do this at once. What it
 *    changes has its own protection: the access counters and their hash
 *    chains are under the chain's bit lock (lookup.c), an object's list of
 *    access records grows by cmpxchg at its head, the pool under
 *    mz_pool_lock, the access counters of struct mz_stats are per-CPU.
 *  - exclusive (mz_enter()): everything else, i.e. allocations, frees,
 *    control writes, the kmap reader, stats. It excludes the access hook, so
 *    an exclusive holder sees every access record complete and may free one.
 * Everything below that is not marked otherwise is under mz_lock held
 * exclusively, or shared where a field says so. Lock order: mz_lock, then a
 * hash chain's bit lock, then mz_pool_lock.
 *
 * Both enter functions set the per-CPU mz_busy flag, so that allocations and
 * KASAN-checked accesses made while Memorizer holds the lock (rbtree helpers,
 * vsnprintf, printk) are neither recorded nor deadlock: every hook returns at
 * once when mz_busy is set on its CPU. NMIs are never recorded.
 *
 * Object records stay where they are in mz_objs (allocation order) from
 * allocation until they are discarded; a free only marks them dead. A kmap
 * reader walks the list once with a cursor, from the head to a marker put at
 * the tail when it opens, so it sees each object that existed then exactly
 * once, in the state it has when the reader reaches it, even when it is
 * freed while the reader is inside it; it ends however fast the list grows.
 * A dead object belongs to the first read that reaches it: it is taken
 * (MZ_F_TAKEN, concurrent readers skip it) when its line is printed, and
 * marked printed only once its lines left the reader's buffer for user
 * space; a reader closed before that hands it back untouched. Every walk
 * takes bounded work under the lock (MZ_WALK_BATCH list steps or records
 * given back) and lets go in between.
 */
#ifndef _MM_MEMORIZER_H
#define _MM_MEMORIZER_H

#include <linux/list.h>
#include <linux/list_bl.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/memorizer.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define MZ_SLAB_NAME_LEN	32
#define MZ_NR_SLAB_NAMES	512	/* interned cache names; index 0 = no-slab */
#define MZ_ACCESS_HASH_BITS	18
#define MZ_LINE_MAX		320	/* longest line the printer emits */
#define MZ_WALK_BATCH		256	/* list steps per hold of mz_lock in a walk */
#define MZ_MAX_READERS		64	/* open kmap files; fits mz_obj.pins */
#define MZ_TAKEN_MAX		64	/* dead objects finished per reader buffer */

/* mz_obj.flags */
#define MZ_F_RECORDED	0x01	/* allocated while recording, since last clear_printed_list */
#define MZ_F_DEAD	0x02	/* freed (or closed) */
#define MZ_F_PRINTED	0x04	/* dead and already printed by a kmap read */
#define MZ_F_CURSOR	0x08	/* not an object: a walk's list position */
#define MZ_F_CATCH_ALL	0x10	/* a region's catch-all; never in the tree */
#define MZ_F_ORPHAN	0x20	/* dropped while pinned: the last unpin frees it */
#define MZ_F_TAKEN	0x40	/* dead, in a kmap or kmap_stream buffer not yet read out */

/* Sentinel free IPs (kmap format). */
#define MZ_FREE_IP_OVERLAP	0xdeadbeefUL	/* later allocation overlapped it */
#define MZ_FREE_IP_NESTED	0x0fedbeefUL	/* nested allocation at same address */

struct file;
struct mz_access;
struct seq_file;

/*
 * One kernel object. All objects are on mz_objs (allocation order) until
 * discarded; live ones also in mz_tree (by address).
 */
struct mz_obj {
	struct rb_node rb;		/* mz_tree node while live */
	struct list_head list;		/* mz_objs; off it once orphaned */
	/* Singly linked, newest first; pushed with cmpxchg under mz_lock shared. */
	struct mz_access *accesses;
	unsigned long va;		/* start address */
	unsigned long span;		/* bytes covered for access attribution */
	unsigned long size;		/* bytes printed (requested size) */
	unsigned long alloc_ip;
	unsigned long free_ip;
	u64 alloc_index;
	u64 free_index;			/* 0 while live */
	pid_t pid;
	u16 slab;			/* index into the interned cache names */
	u8 type;			/* enum memorizer_type */
	u8 new_type;			/* type of the allocation that closed it */
	u8 flags;			/* MZ_F_* */
	u8 pins;			/* kmap readers inside it (printing its lines) */
	char comm[TASK_COMM_LEN];
};

/*
 * Reads and writes of one object by one instruction in one task. Counted
 * under the bit lock of its hash chain; read whole under mz_lock exclusive.
 */
struct mz_access {
	struct hlist_bl_node hnode;	/* mz_access_hash chain */
	struct mz_access *next;		/* next access of the same object */
	struct mz_obj *obj;
	unsigned long ip;
	u32 reads;
	u32 writes;
	pid_t pid;			/* -1 outside task context */
};

/*
 * Counters, as mz_stats_snapshot() returns them. The global struct mz_stats
 * is under mz_lock exclusive; the access path's counters (accesses_*,
 * dropped_accesses, access_records) live per CPU (struct mz_pcpu_stats) and
 * are summed into the snapshot.
 */
struct mz_stats {
	u64 allocs_seen;
	u64 allocs_recorded;
	u64 frees_seen;
	u64 frees_recorded;
	u64 frees_unknown;	/* free of an address no live object starts at */
	u64 accesses_seen;
	u64 accesses_recorded;
	u64 accesses_unattributed;
	u64 accesses_quiet;	/* in a quiet section or under kasan_depth */
	u64 overlaps_closed;
	u64 dropped_objects;	/* pool exhausted: object not tracked */
	u64 dropped_accesses;	/* pool exhausted: access not counted */
	u64 live_objects;
	u64 dead_objects;
	u64 access_records;
	u64 pool_size;
	u64 pool_used;		/* high-water mark of the bump allocator */
	u64 pool_free_objs;	/* records on the free lists, reusable */
	u64 pool_free_accesses;
	u64 index;
	int enabled;
	bool log_accesses;
	bool log_live;
	bool exhausted;
	int readers;
};

/*
 * The access path's counters, per CPU, changed by that CPU with irqs off.
 * access_records is records made on this CPU less records dropped on it, so
 * only the sum over CPUs means anything (modulo 2^64, which sums right).
 */
struct mz_pcpu_stats {
	u64 accesses_seen;
	u64 accesses_recorded;
	u64 accesses_unattributed;
	u64 accesses_quiet;
	u64 dropped_accesses;
	u64 access_records;
};
DECLARE_PER_CPU(struct mz_pcpu_stats, mz_pcpu_stats);

/* What an open file prints (reader.c says what each leaves behind). */
enum mz_read_kind {
	MZ_READ_KMAP,
	MZ_READ_STREAM,		/* kmap_stream: dead objects, drained */
	MZ_READ_ALLOCATIONS,	/* the split CSV pair */
	MZ_READ_ACCESSES,
};

/*
 * One open kmap, kmap_stream, allocations or accesses file. The walk's state
 * (cursor to taken) is under mz_lock: cursor and end sit on mz_objs, cur and
 * the taken objects are pinned. buf, len and off belong to the reader and
 * are used outside mz_lock, under @lock: read(2) on one file is serialised
 * by f_pos_lock, but io_uring reads are not.
 */
struct mz_reader {
	struct mz_obj cursor;		/* MZ_F_CURSOR; list position */
	struct mz_obj end;		/* MZ_F_CURSOR; the tail when it opened (not stream) */
	enum mz_read_kind kind;
	bool header_done;
	bool done;			/* cursor reached the end; off the list */
	bool caught_up;			/* stream at the list's end: wait */
	bool pass_drained;		/* stream printed something this walk */
	bool cur_dead;			/* cur was dead when its line was printed */
	u64 stops_at_open;		/* mz_recording_stops() at open */
	u64 pass_stops;			/* ... when this walk began */
	struct mz_obj *cur;		/* object being printed (pinned), or NULL */
	struct mz_access *acur;		/* its next access line */
	/*
	 * Dead objects taken by this kmap or kmap_stream reader whose last
	 * line is in buf, with the offset just past it: settled (printed, or
	 * drained) once buf was read out (the next fill), or on release as far
	 * as off got; the others are handed back.
	 */
	int ntaken;
	struct {
		struct mz_obj *obj;
		size_t end;
	} taken[MZ_TAKEN_MAX];
	struct mutex lock;		/* serialises kmap_read() on this file */
	char *buf;			/* PAGE_SIZE, from the pool */
	size_t len;
	size_t off;
};

/* Output sink shared by debugfs (buffer, seq_file) and the console. */
struct mz_sink {
	struct seq_file *seq;	/* if set, print there */
	char *buf;		/* else if set, print here; else to the console */
	size_t size;
	size_t len;
};

/* core.c */
extern rwlock_t mz_lock;
extern struct list_head mz_objs;
extern struct mz_stats mz_stats;
extern bool mz_clearing;
bool mz_enter(unsigned long *flags);
void mz_exit(unsigned long flags);
bool mz_enter_shared(unsigned long *flags);
void mz_exit_shared(unsigned long flags);
void mz_pin(struct mz_obj *o);
void mz_unpin(struct mz_obj *o);
int mz_set_enabled(long mode);
void mz_set_log_accesses(bool on);
void mz_set_log_live(bool on);
int mz_clear_dead(void);
int mz_clear_printed(void);
u64 mz_recording_stops(void);
bool mz_index_is_time(void);
void mz_stats_snapshot(struct mz_stats *out);
void mz_discard(struct mz_obj *o);
bool mz_should_print_live(const struct mz_obj *o);

/* pool.c */
int mz_pool_reserve(void);
void *mz_pool_alloc_zeroed(unsigned long size);
void *mz_pool_alloc_page(void);
void *mz_pool_alloc_table_page(void);
void mz_pool_free_page(void *p);
struct mz_obj *mz_obj_alloc(void);
void mz_obj_free(struct mz_obj *o);
struct mz_access *mz_access_alloc(void);
void mz_access_free(struct mz_access *a);
u16 mz_slab_name_index(struct kmem_cache *s);
const char *mz_slab_name(u16 idx);
bool mz_pool_ready(void);
void mz_pool_stats(struct mz_stats *st);

/* lookup.c */
int mz_lookup_init(void);
struct mz_obj *mz_lookup(unsigned long addr);
struct mz_obj *mz_lookup_exact(unsigned long addr);
void mz_tree_insert(struct mz_obj *o);
void mz_tree_remove(struct mz_obj *o);
struct mz_obj *mz_first_overlap(unsigned long start, unsigned long end);
bool mz_access_count(struct mz_obj *o, unsigned long ip, pid_t pid, bool write);
bool mz_access_drop_some(struct mz_obj *o, int *budget);
void mz_access_drop_all(struct mz_obj *o);

/* printer.c */
const char *mz_type_name(unsigned int type);
void mz_print_obj(struct mz_sink *sk, const struct mz_obj *o);
void mz_print_access(struct mz_sink *sk, const struct mz_access *a);
void mz_print_split_header(struct mz_sink *sk, bool allocations, bool time);
void mz_print_split_access(struct mz_sink *sk, const struct mz_obj *o,
			   const struct mz_access *a);
void mz_print_stats(struct mz_sink *sk, const struct mz_stats *st);

/* reader.c */
int mz_reader_open(struct mz_reader **rp, enum mz_read_kind kind);
bool mz_reader_done(struct mz_reader *r);
bool mz_reader_caught_up(struct mz_reader *r);
void mz_reader_fill(struct mz_reader *r);
void mz_reader_release(struct mz_reader *r);

/* globals.c */
void mz_global_add(unsigned long va, size_t size, const char *name,
		   const char *module);
int mz_global_table_open(struct file *file);

#endif /* _MM_MEMORIZER_H */
