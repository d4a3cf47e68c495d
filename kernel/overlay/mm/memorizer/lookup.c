// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address -> object lookup and (object, ip, pid) -> access counters.
 *
 * Live objects never overlap: an allocation that overlaps a live object
 * closes it first (core.c). So the live set is an rbtree of disjoint
 * intervals keyed by start address, and the object containing an address is
 * the one with the greatest start <= address, if the address falls inside
 * its span. A one-entry cache per CPU in front of the tree catches the common
 * run of accesses to the same object; it is reset whenever an object leaves.
 *
 * The tree changes only under mz_lock exclusive; the access hook reads it
 * under mz_lock shared, on several CPUs at once. Access records are found
 * and counted under the bit lock of their hash chain (hlist_bl), so two CPUs
 * counting the same (object, ip, pid) neither lose a count nor make two
 * records; their chains and counters are read or freed only under mz_lock
 * exclusive, when no CPU counts.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/list_bl.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rbtree.h>

#include "memorizer.h"

/* Live objects by start address; written under mz_lock exclusive. */
static struct rb_root mz_tree = RB_ROOT;
/*
 * Last object this CPU's mz_lookup() found, NULL when unknown. Written by the
 * CPU itself under mz_lock (either way); reset on every CPU by
 * mz_tree_remove() under mz_lock exclusive, when no lookup runs.
 */
static DEFINE_PER_CPU(struct mz_obj *, mz_last_hit);

/* Access records by (object, ip, pid); each chain under its bit lock. */
static struct hlist_bl_head *mz_access_hash;
#define MZ_ACCESS_HASH_SIZE	(1UL << MZ_ACCESS_HASH_BITS)

int __init mz_lookup_init(void)
{
	mz_access_hash = mz_pool_alloc_zeroed(MZ_ACCESS_HASH_SIZE *
					      sizeof(struct hlist_bl_head));
	return mz_access_hash ? 0 : -ENOMEM;
}

static struct mz_obj *mz_floor(unsigned long addr)
{
	struct rb_node *n = mz_tree.rb_node;
	struct mz_obj *best = NULL;

	while (n) {
		struct mz_obj *o = rb_entry(n, struct mz_obj, rb);

		if (o->va <= addr) {
			best = o;
			n = n->rb_right;
		} else {
			n = n->rb_left;
		}
	}
	return best;
}

/* The live object whose span contains @addr, or NULL. */
struct mz_obj *mz_lookup(unsigned long addr)
{
	struct mz_obj *o = __this_cpu_read(mz_last_hit);

	if (o && addr - o->va < o->span)
		return o;
	o = mz_floor(addr);
	if (o && addr - o->va < o->span) {
		__this_cpu_write(mz_last_hit, o);
		return o;
	}
	return NULL;
}

/* The live object starting exactly at @addr, or NULL. */
struct mz_obj *mz_lookup_exact(unsigned long addr)
{
	struct mz_obj *o = mz_floor(addr);

	return o && o->va == addr ? o : NULL;
}

/* First live object overlapping [start, end), in address order. */
struct mz_obj *mz_first_overlap(unsigned long start, unsigned long end)
{
	struct mz_obj *o = mz_floor(start);
	struct rb_node *n;

	if (o && start - o->va < o->span)
		return o;
	n = o ? rb_next(&o->rb) : rb_first(&mz_tree);
	if (!n)
		return NULL;
	o = rb_entry(n, struct mz_obj, rb);
	return o->va < end ? o : NULL;
}

void mz_tree_insert(struct mz_obj *o)
{
	struct rb_node **link = &mz_tree.rb_node, *parent = NULL;

	while (*link) {
		struct mz_obj *e = rb_entry(*link, struct mz_obj, rb);

		parent = *link;
		link = o->va < e->va ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&o->rb, parent, link);
	rb_insert_color(&o->rb, &mz_tree);
}

void mz_tree_remove(struct mz_obj *o)
{
	int cpu;

	lockdep_assert_held_write(&mz_lock);
	rb_erase(&o->rb, &mz_tree);
	RB_CLEAR_NODE(&o->rb);
	for_each_possible_cpu(cpu) {
		if (per_cpu(mz_last_hit, cpu) == o)
			per_cpu(mz_last_hit, cpu) = NULL;
	}
}

static unsigned long mz_access_key(struct mz_obj *o, unsigned long ip, pid_t pid)
{
	return hash_long((unsigned long)o ^ (ip * 31) ^ ((unsigned long)(u32)pid << 17),
			 MZ_ACCESS_HASH_BITS);
}

/*
 * Count a read or a write of @o by @ip in @pid, making its record on first
 * use; false if the pool is empty. mz_lock is held, shared or exclusive. The
 * counters saturate rather than wrap: a kmap never undercounts.
 */
bool mz_access_count(struct mz_obj *o, unsigned long ip, pid_t pid, bool write)
{
	struct hlist_bl_head *head = &mz_access_hash[mz_access_key(o, ip, pid)];
	struct hlist_bl_node *pos;
	struct mz_access *a, *first;
	bool ok = true;

	hlist_bl_lock(head);
	hlist_bl_for_each_entry(a, pos, head, hnode) {
		if (a->obj == o && a->ip == ip && a->pid == pid)
			goto count;
	}
	a = mz_access_alloc();
	if (!a) {
		ok = false;
		goto out;
	}
	a->obj = o;
	a->ip = ip;
	a->pid = pid;
	a->reads = 0;
	a->writes = 0;
	/* Other CPUs may push records of @o from other chains right now. */
	do {
		first = READ_ONCE(o->accesses);
		a->next = first;
	} while (cmpxchg(&o->accesses, first, a) != first);
	hlist_bl_add_head(&a->hnode, head);
	__this_cpu_inc(mz_pcpu_stats.access_records);
count:
	if (write) {
		if (a->writes != U32_MAX)
			a->writes++;
	} else if (a->reads != U32_MAX) {
		a->reads++;
	}
out:
	hlist_bl_unlock(head);
	return ok;
}

/*
 * Forget up to *@budget accesses of @o, newest first, and return the records
 * to the pool; *@budget goes down by as many. True once @o has none left.
 */
bool mz_access_drop_some(struct mz_obj *o, int *budget)
{
	struct mz_access *a = o->accesses, *next;

	lockdep_assert_held_write(&mz_lock);
	while (a && *budget > 0) {
		next = a->next;
		hlist_bl_del(&a->hnode);
		mz_access_free(a);
		__this_cpu_dec(mz_pcpu_stats.access_records);
		a = next;
		--*budget;
	}
	o->accesses = a;
	return !a;
}

/*
 * Forget every access of @o. Unbounded: for objects whose records were
 * dropped already (the clears) or are few (a free of an object never
 * accessed has none; an orphan's last unpin).
 */
void mz_access_drop_all(struct mz_obj *o)
{
	int budget = INT_MAX;

	mz_access_drop_some(o, &budget);
}
