/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memorizer: record kernel object lifetimes and the accesses made to them.
 *
 * These are the hooks the allocators and KASAN call. Each hook is a no-op
 * until the pool has been reserved at boot (memorizer_alloc_pool()), and
 * compiles away without CONFIG_MEMORIZER. See mm/memorizer/ for the
 * implementation and kernel/README.md of the kmap explorer for the format.
 */
#ifndef _LINUX_MEMORIZER_H
#define _LINUX_MEMORIZER_H

#include <linux/compiler.h>
#include <linux/types.h>

struct kmem_cache;
struct page;

/* Allocation types, numbered as the kmap format (variant E) numbers them. */
enum memorizer_type {
	MEMORIZER_STACK = 0,
	MEMORIZER_STACK_FRAME,
	MEMORIZER_STACK_ARGS,
	MEMORIZER_STACK_PAGE,
	MEMORIZER_GEN_HEAP,
	MEMORIZER_UFO_HEAP,
	MEMORIZER_GLOBAL,
	MEMORIZER_KMALLOC,
	MEMORIZER_KMALLOC_ND,
	MEMORIZER_KMEM_CACHE,
	MEMORIZER_KMEM_CACHE_ND,
	MEMORIZER_KMEM_CACHE_BULK,
	MEMORIZER_VMALLOC,
	MEMORIZER_ALLOC_PAGES,
	MEMORIZER_ALLOC_PAGES_EXACT,
	MEMORIZER_ALLOC_PAGES_GETFREEPAGES,
	MEMORIZER_ALLOC_PAGES_FOLIO,
	MEMORIZER_INDUCED_ALLOC,
	MEMORIZER_BOOTMEM,
	MEMORIZER_MEMBLOCK,
	MEMORIZER_UFO_MEMBLOCK,
	MEMORIZER_MEMORIZER,
	MEMORIZER_USER,
	MEMORIZER_BUG,
	MEMORIZER_UFO_GLOBAL,
	MEMORIZER_UFO_NONE,
	MEMORIZER_NONE,
	MEMORIZER_NR_TYPES,
};

#ifdef CONFIG_MEMORIZER

/*
 * True while accesses are being recorded (enabled, log_accesses_enabled and
 * pool not exhausted). Read locklessly on every KASAN check; written only
 * through memorizer_update_gate().
 */
extern bool memorizer_log_on;

void __init memorizer_alloc_pool(void);

void __memorizer_access(unsigned long addr, size_t size, bool write,
			unsigned long ip);

/* Called from check_region_inline() for every outline-checked access. */
static __always_inline void memorizer_access(unsigned long addr, size_t size,
					     bool write, unsigned long ip)
{
	if (unlikely(READ_ONCE(memorizer_log_on)))
		__memorizer_access(addr, size, write, ip);
}

void memorizer_slab_alloc(struct kmem_cache *s, const void *obj, size_t size,
			  unsigned long ip, enum memorizer_type type);
void memorizer_page_alloc(struct page *page, unsigned int order,
			  unsigned long ip);
void memorizer_vmalloc(const void *addr, size_t size, size_t span,
		       unsigned long ip);
/*
 * A global registered by __asan_register_globals() (see memorizer_ctor());
 * @name and @module (its source file) must outlive Memorizer's global_table.
 */
void memorizer_global(const void *addr, size_t size, const char *name,
		      const char *module);
/* do_ctors() runs @fn next (NULL: none): the call site of the globals it registers. */
void memorizer_ctor(void (*fn)(void));
void memorizer_retype(const void *addr, size_t size, size_t span,
		      unsigned long ip, enum memorizer_type type);
void memorizer_forget(const void *addr);
void memorizer_free(const void *addr, unsigned long ip);
void memorizer_page_free(struct page *page, unsigned long ip);

/*
 * A quiet section: code that runs on behalf of the instrumentation (KASAN's
 * stack saving and the unwinder under it, the kmap reader's copy-out), whose
 * accesses are not the workload's and are not recorded. Sections nest; they
 * hold preemption off, and each context level (task, softirq, hardirq, NMI)
 * has its own count, so an interrupt taken inside one is still recorded.
 */
void memorizer_quiet_begin(void);
void memorizer_quiet_end(void);

#else /* CONFIG_MEMORIZER */

static inline void memorizer_alloc_pool(void) { }
static inline void memorizer_access(unsigned long addr, size_t size,
				    bool write, unsigned long ip) { }
static inline void memorizer_slab_alloc(struct kmem_cache *s, const void *obj,
					size_t size, unsigned long ip,
					enum memorizer_type type) { }
static inline void memorizer_page_alloc(struct page *page, unsigned int order,
					unsigned long ip) { }
static inline void memorizer_vmalloc(const void *addr, size_t size,
				     size_t span, unsigned long ip) { }
static inline void memorizer_global(const void *addr, size_t size,
				    const char *name, const char *module) { }
static inline void memorizer_ctor(void (*fn)(void)) { }
static inline void memorizer_retype(const void *addr, size_t size, size_t span,
				    unsigned long ip,
				    enum memorizer_type type) { }
static inline void memorizer_forget(const void *addr) { }
static inline void memorizer_free(const void *addr, unsigned long ip) { }
static inline void memorizer_page_free(struct page *page, unsigned long ip) { }
static inline void memorizer_quiet_begin(void) { }
static inline void memorizer_quiet_end(void) { }

#endif /* CONFIG_MEMORIZER */

#endif /* _LINUX_MEMORIZER_H */
