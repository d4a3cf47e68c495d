// SPDX-License-Identifier: GPL-2.0-only
/*
 * The content probe (CONFIG_MEMORIZER_PROBE): objects of known kinds,
 * allocated, touched and freed by known functions, so that a test on the
 * host can check a kmap's allocation sites, types, sizes, caches, accessing
 * functions and access counts exactly (kernel/test/check-probe.mjs states
 * what it expects; keep the two in step).
 *
 * Writing 1 to /sys/kernel/debug/memorizer/probe runs one round in the
 * writer's task:
 *
 *   mzprobe_alloc()    3 from the cache "memorizer_probe" (200 bytes),
 *                      1 kmem_cache_alloc_node() without a node, 1 with
 *                      node 0, 2 by kmem_cache_alloc_bulk(), kmalloc(100),
 *                      kmalloc_node(100, node 0), alloc_pages() of order 1,
 *                      2 pages by alloc_pages_bulk_array(), vmalloc() of
 *                      3 pages + 100 bytes, a page by __get_free_pages()
 *   mzprobe_touch()    each of them: 2 writes of 8 bytes by mzprobe_store()
 *                      and 3 reads of 8 bytes by mzprobe_load() (the
 *                      __get_free_pages() page in mzprobe_free(), below)
 *   mzprobe_free()     all but the first cache object, which stays live
 *                      until the next round; the __get_free_pages() page
 *                      with a second reference held: free_pages() drops
 *                      that one and frees nothing, the page is touched
 *                      (still live), and a second free_pages() frees it
 *   mzprobe_overlap()  the sentinels of a free Memorizer never saw: a page
 *                      whose range a (forged) allocation at page + 256
 *                      overlaps is closed with free_ip 0xdeadbeef, that
 *                      object in turn by one at the same address with
 *                      0xfedbeef; the last is touched like the others and
 *                      freed by mzprobe_overlap() (the page's own free then
 *                      finds no record: frees_unknown counts one a round)
 *
 * Unlike the rest of mm/memorizer/, this file is built with KASAN: its
 * accesses are the point. The functions are noinline so that their names
 * are the call sites the kmap shows. It is only a test aid; the capture
 * kernel has it because the tests boot that kernel.
 */

#define pr_fmt(fmt) "memorizer probe: " fmt

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memorizer.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#define MZPROBE_SIZE		200
#define MZPROBE_KMALLOC		100
#define MZPROBE_VMALLOC		(3 * PAGE_SIZE + 100)
#define MZPROBE_FORGED_AT	256

struct mzprobe_round {
	void *cache[3];
	void *cache_nonode;
	void *cache_node;
	void *bulk[2];
	void *kmalloc;
	void *kmalloc_node;
	struct page *pages;		/* order 1 */
	struct page *bulk_pages[2];
	void *vmalloc;
	unsigned long gfp;		/* __get_free_pages(), order 0 */
};

static struct kmem_cache *mzprobe_cache;
static DEFINE_MUTEX(mzprobe_mutex);	/* one round at a time */
static void *mzprobe_kept;		/* under mzprobe_mutex */
static u64 mzprobe_sink;

/*
 * One access each, from these two functions only: called between the
 * accesses, they keep the compiler's sanitizer from dropping the check of a
 * read of an address it has just checked (it did: a store, then loads of
 * the same words, came out as one checked store).
 */
static noinline void mzprobe_store(u64 *p, u64 v)
{
	WRITE_ONCE(*p, v);
}

static noinline u64 mzprobe_load(const u64 *p)
{
	return READ_ONCE(*p);
}

/* 2 writes (mzprobe_store) and 3 reads (mzprobe_load) of the first 16 bytes. */
static noinline void mzprobe_touch(void *p)
{
	u64 *w = p;

	mzprobe_store(&w[0], 1);
	mzprobe_store(&w[1], 2);
	mzprobe_sink += mzprobe_load(&w[0]) + mzprobe_load(&w[1]) +
			mzprobe_load(&w[0]);
}

static noinline int mzprobe_alloc(struct mzprobe_round *r)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(r->cache); i++)
		r->cache[i] = kmem_cache_alloc(mzprobe_cache, GFP_KERNEL);
	r->cache_nonode = kmem_cache_alloc_node(mzprobe_cache, GFP_KERNEL,
						NUMA_NO_NODE);
	r->cache_node = kmem_cache_alloc_node(mzprobe_cache, GFP_KERNEL, 0);
	if (!kmem_cache_alloc_bulk(mzprobe_cache, GFP_KERNEL,
				   ARRAY_SIZE(r->bulk), r->bulk))
		memset(r->bulk, 0, sizeof(r->bulk));
	r->kmalloc = kmalloc(MZPROBE_KMALLOC, GFP_KERNEL);
	r->kmalloc_node = kmalloc_node(MZPROBE_KMALLOC, GFP_KERNEL, 0);
	r->pages = alloc_pages(GFP_KERNEL, 1);
	/*
	 * The bulk allocator may give fewer pages than asked (one, from its
	 * fallback path, when the per-CPU list is busy); a call fills only
	 * the empty slots, so ask again.
	 */
	for (i = 0; i < 4 && !(r->bulk_pages[0] && r->bulk_pages[1]); i++)
		alloc_pages_bulk_array(GFP_KERNEL, ARRAY_SIZE(r->bulk_pages),
				       r->bulk_pages);
	r->vmalloc = vmalloc(MZPROBE_VMALLOC);
	r->gfp = __get_free_pages(GFP_KERNEL, 0);

	for (i = 0; i < ARRAY_SIZE(r->cache); i++)
		if (!r->cache[i])
			return -ENOMEM;
	if (!r->cache_nonode || !r->cache_node || !r->bulk[0] ||
	    !r->kmalloc || !r->kmalloc_node || !r->pages ||
	    !r->bulk_pages[0] || !r->bulk_pages[1] || !r->vmalloc || !r->gfp)
		return -ENOMEM;
	return 0;
}

static noinline void mzprobe_free(struct mzprobe_round *r, bool touch)
{
	int i;

	/*
	 * r->cache[0] is kept (or freed here if the round failed). A loop
	 * last: a free called last could be a tail call, whose return
	 * address (the free's call site) would name our caller.
	 */
	vfree(r->vmalloc);
	kfree(r->kmalloc);
	kfree(r->kmalloc_node);
	if (r->pages)
		__free_pages(r->pages, 1);
	if (r->cache_nonode)
		kmem_cache_free(mzprobe_cache, r->cache_nonode);
	if (r->cache_node)
		kmem_cache_free(mzprobe_cache, r->cache_node);
	if (r->bulk[0])
		kmem_cache_free_bulk(mzprobe_cache, ARRAY_SIZE(r->bulk), r->bulk);
	for (i = 0; i < ARRAY_SIZE(r->bulk_pages); i++)
		if (r->bulk_pages[i])
			__free_page(r->bulk_pages[i]);
	if (r->gfp) {
		/*
		 * Another reference held: free_pages() only drops it, so the
		 * page is still a live object when touched, and the free is
		 * the second call's. Touched like the others when the round
		 * got all its objects.
		 */
		get_page(virt_to_page(r->gfp));
		free_pages(r->gfp, 0);
		if (touch)
			mzprobe_touch((void *)r->gfp);
		free_pages(r->gfp, 0);
	}
	for (i = 0; i < ARRAY_SIZE(r->cache); i++)
		if (r->cache[i] && (i || r->cache[0] != mzprobe_kept))
			kmem_cache_free(mzprobe_cache, r->cache[i]);
}

/*
 * An allocation that overlaps a live object closes it (its free went
 * unseen). The page is a real allocation; the two objects inside it are
 * announced through the vmalloc hook, as an allocator whose free Memorizer
 * missed would announce them.
 */
static noinline int mzprobe_overlap(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	char *p;

	if (!page)
		return -ENOMEM;
	p = page_address(page);
	memorizer_vmalloc(p + MZPROBE_FORGED_AT, 128, 128, _THIS_IP_);
	memorizer_vmalloc(p + MZPROBE_FORGED_AT, 64, 64, _THIS_IP_);
	mzprobe_touch(p + MZPROBE_FORGED_AT);
	memorizer_free(p + MZPROBE_FORGED_AT, _THIS_IP_);
	__free_page(page);
	return 0;
}

static int mzprobe_run(void)
{
	struct mzprobe_round r = { };
	int i, ret;

	mutex_lock(&mzprobe_mutex);
	if (mzprobe_kept)
		kmem_cache_free(mzprobe_cache, mzprobe_kept);
	mzprobe_kept = NULL;
	ret = mzprobe_alloc(&r);
	if (!ret) {
		for (i = 0; i < ARRAY_SIZE(r.cache); i++)
			mzprobe_touch(r.cache[i]);
		mzprobe_touch(r.cache_nonode);
		mzprobe_touch(r.cache_node);
		for (i = 0; i < ARRAY_SIZE(r.bulk); i++)
			mzprobe_touch(r.bulk[i]);
		mzprobe_touch(r.kmalloc);
		mzprobe_touch(r.kmalloc_node);
		mzprobe_touch(page_address(r.pages));
		for (i = 0; i < ARRAY_SIZE(r.bulk_pages); i++)
			mzprobe_touch(page_address(r.bulk_pages[i]));
		mzprobe_touch(r.vmalloc);
		mzprobe_kept = r.cache[0];
	}
	mzprobe_free(&r, !ret);
	if (!ret)
		ret = mzprobe_overlap();
	mutex_unlock(&mzprobe_mutex);
	return ret;
}

static ssize_t probe_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, count, &on);

	if (!ret && on)
		ret = mzprobe_run();
	return ret ? ret : count;
}

static const struct file_operations probe_fops = {
	.write = probe_write,
	.llseek = noop_llseek,
};

static int __init mzprobe_init(void)
{
	struct dentry *dir = debugfs_lookup("memorizer", NULL);

	if (!dir)	/* no pool: Memorizer is off */
		return 0;
	mzprobe_cache = kmem_cache_create("memorizer_probe", MZPROBE_SIZE, 0,
					  0, NULL);
	if (mzprobe_cache)
		debugfs_create_file("probe", 0200, dir, NULL, &probe_fops);
	else
		pr_warn("cannot create its cache: no probe file\n");
	dput(dir);
	return 0;
}
/* After memorizer_debugfs_init(), which is earlier in link order. */
late_initcall(mzprobe_init);
