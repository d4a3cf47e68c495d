// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one printer: kmap lines (variant E) and statistics, written either into
 * a buffer (debugfs) or to the console (printk), through struct mz_sink.
 *
 * kmap object line (11 fields, hex without 0x, 16 lower-case digits):
 *   alloc_ip,pid,va,size,alloc_index,free_index,free_ip,alloc_type,command,slabname,new_alloc_type
 * access line (two leading spaces):
 *   ip,writes,reads,pid
 * and the split CSV pair of the 6.x tool, whose headers are printed as it
 * printed them (the allocations header lacks `command`, which every row
 * carries; the access pid is printed unsigned, so -1 is 18446744073709551615):
 *   allocations: alloc_ip,pid,ptr,size,alloc_serial,free_serial,free_ip,type,slab,new_type
 *   accesses:    alloc_index,access_ip,pid,writes,reads
 * The walks that decide what is printed are in reader.c.
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

void mz_print_split_header(struct mz_sink *sk, bool allocations, bool time)
{
	const char *x = time ? "time" : "serial";

	if (allocations)
		mz_emit(sk, "alloc_ip,pid,ptr,size,alloc_%s,free_%s,free_ip,type,slab,new_type\n",
			x, x);
	else
		mz_emit(sk, "alloc_index,access_ip,pid,writes,reads\n");
}

void mz_print_split_access(struct mz_sink *sk, const struct mz_obj *o,
			   const struct mz_access *a)
{
	mz_emit(sk, "%llu,%016lx,%llu,%u,%u\n", o->alloc_index, a->ip,
		(unsigned long long)(s64)a->pid, a->writes, a->reads);
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
