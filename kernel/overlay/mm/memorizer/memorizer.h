/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memorizer internals shared by core.c, lookup.c, pool.c, printer.c and
 * debugfs.c.
 *
 * Locking: everything below that is not marked otherwise is protected by
 * mz_lock, a raw spinlock always taken with local interrupts disabled through
 * mz_enter()/mz_exit(). mz_enter() also sets the per-CPU mz_busy flag, so that
 * allocations and KASAN-checked accesses made while Memorizer holds the lock
 * (rbtree helpers, vsnprintf, printk) are neither recorded nor deadlock: every
 * hook returns at once when mz_busy is set on its CPU. NMIs are never
 * recorded. One lock for all state keeps the lookup and the object lists
 * consistent; with several CPUs the hooks serialise on it (see README).
 */
#ifndef _MM_MEMORIZER_H
#define _MM_MEMORIZER_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/memorizer.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define MZ_SLAB_NAME_LEN	32
#define MZ_NR_SLAB_NAMES	512	/* interned cache names; index 0 = no-slab */
#define MZ_ACCESS_HASH_BITS	18
#define MZ_LINE_MAX		320	/* longest line the printer emits */

/* mz_obj.flags */
#define MZ_F_RECORDED	0x01	/* allocated while recording, since last clear_printed_list */
#define MZ_F_DEAD	0x02	/* freed (or closed); on mz_dead */
#define MZ_F_PRINTED	0x04	/* dead and already printed by a kmap read */
#define MZ_F_CURSOR	0x08	/* not an object: a kmap reader's list position */
#define MZ_F_CATCH_ALL	0x10	/* a region's catch-all; never in the tree */

/* Sentinel free IPs (kmap format). */
#define MZ_FREE_IP_OVERLAP	0xdeadbeefUL	/* later allocation overlapped it */
#define MZ_FREE_IP_NESTED	0x0fedbeefUL	/* nested allocation at same address */

struct mz_access;
struct seq_file;

/*
 * One kernel object. Live objects are in mz_tree (by address) and on mz_live
 * (allocation order); dead ones only on mz_dead (newest free first).
 */
struct mz_obj {
	struct rb_node rb;		/* mz_tree node while live */
	struct list_head list;		/* mz_live or mz_dead */
	struct mz_access *accesses;	/* singly linked, newest first */
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
	char comm[TASK_COMM_LEN];
};

/* Reads and writes of one object by one instruction in one task. */
struct mz_access {
	struct hlist_node hnode;	/* mz_access_hash chain */
	struct mz_access *next;		/* next access of the same object */
	struct mz_obj *obj;
	unsigned long ip;
	u32 reads;
	u32 writes;
	pid_t pid;			/* -1 outside task context */
};

/* Counters; under mz_lock. */
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

/* kmap reader: an open file on kmap. Its cursor sits in mz_live or mz_dead. */
/*
 * One open kmap file. cursor, phase, cur and acur are under mz_lock (the
 * cursor sits on the object lists). buf, len and off belong to the reader
 * and are used outside mz_lock, under @lock: read(2) on one file is
 * serialised by f_pos_lock, but io_uring reads are not.
 */
struct mz_reader {
	struct mz_obj cursor;		/* MZ_F_CURSOR; list position */
	int phase;			/* 0: live objects, 1: dead, 2: done */
	struct mz_obj *cur;		/* object being printed, or NULL */
	struct mz_access *acur;		/* its next access line */
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
extern raw_spinlock_t mz_lock;
extern struct list_head mz_live;
extern struct list_head mz_dead;
extern struct mz_stats mz_stats;
bool mz_enter(unsigned long *flags);
void mz_exit(unsigned long flags);
int mz_set_enabled(long mode);
void mz_set_log_accesses(bool on);
void mz_set_log_live(bool on);
int mz_clear_dead(void);
int mz_clear_printed(void);
void mz_stats_snapshot(struct mz_stats *out);
void mz_discard(struct mz_obj *o);
bool mz_should_print_live(const struct mz_obj *o);

/* pool.c */
int mz_pool_reserve(void);
void *mz_pool_alloc_zeroed(unsigned long size);
void *mz_pool_alloc_page(void);
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
struct mz_access *mz_access_get(struct mz_obj *o, unsigned long ip, pid_t pid);
void mz_access_drop_all(struct mz_obj *o);

/* printer.c */
const char *mz_type_name(unsigned int type);
void mz_print_obj(struct mz_sink *sk, const struct mz_obj *o);
void mz_print_access(struct mz_sink *sk, const struct mz_access *a);
void mz_print_stats(struct mz_sink *sk, const struct mz_stats *st);
int mz_reader_open(struct mz_reader **rp);
void mz_reader_fill(struct mz_reader *r);
void mz_reader_release(struct mz_reader *r);

#endif /* _MM_MEMORIZER_H */
