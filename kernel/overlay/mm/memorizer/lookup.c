// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address -> object lookup and (object, ip, pid) -> access counters.
 *
 * Live objects never overlap: an allocation that overlaps a live object
 * closes it first (core.c). So the live set is an rbtree of disjoint
 * intervals keyed by start address, and the object containing an address is
 * the one with the greatest start <= address, if the address falls inside
 * its span. A one-entry cache in front of the tree catches the common run of
 * accesses to the same object; it is reset whenever an object leaves.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/rbtree.h>

#include "memorizer.h"

/* Live objects by start address; under mz_lock. */
static struct rb_root mz_tree = RB_ROOT;
/* Last object found by mz_lookup(); under mz_lock, NULL when unknown. */
static struct mz_obj *mz_last_hit;

/* Access records by (object, ip, pid); under mz_lock. */
static struct hlist_head *mz_access_hash;
#define MZ_ACCESS_HASH_SIZE	(1UL << MZ_ACCESS_HASH_BITS)

int __init mz_lookup_init(void)
{
	mz_access_hash = mz_pool_alloc_zeroed(MZ_ACCESS_HASH_SIZE *
					      sizeof(struct hlist_head));
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
	struct mz_obj *o = mz_last_hit;

	if (o && addr - o->va < o->span)
		return o;
	o = mz_floor(addr);
	if (o && addr - o->va < o->span) {
		mz_last_hit = o;
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
	rb_erase(&o->rb, &mz_tree);
	RB_CLEAR_NODE(&o->rb);
	if (mz_last_hit == o)
		mz_last_hit = NULL;
}

static unsigned long mz_access_key(struct mz_obj *o, unsigned long ip, pid_t pid)
{
	return hash_long((unsigned long)o ^ (ip * 31) ^ ((unsigned long)(u32)pid << 17),
			 MZ_ACCESS_HASH_BITS);
}

/* The counters for (@o, @ip, @pid), created on first use; NULL if the pool is empty. */
struct mz_access *mz_access_get(struct mz_obj *o, unsigned long ip, pid_t pid)
{
	struct hlist_head *head = &mz_access_hash[mz_access_key(o, ip, pid)];
	struct mz_access *a;

	hlist_for_each_entry(a, head, hnode) {
		if (a->obj == o && a->ip == ip && a->pid == pid)
			return a;
	}
	a = mz_access_alloc();
	if (!a)
		return NULL;
	a->obj = o;
	a->ip = ip;
	a->pid = pid;
	a->reads = 0;
	a->writes = 0;
	a->next = o->accesses;
	o->accesses = a;
	hlist_add_head(&a->hnode, head);
	mz_stats.access_records++;
	return a;
}

/* Forget every access of @o and return the records to the pool. */
void mz_access_drop_all(struct mz_obj *o)
{
	struct mz_access *a = o->accesses, *next;

	while (a) {
		next = a->next;
		hlist_del(&a->hnode);
		mz_access_free(a);
		mz_stats.access_records--;
		a = next;
	}
	o->accesses = NULL;
}
