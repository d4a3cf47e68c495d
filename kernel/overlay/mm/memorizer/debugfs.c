// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/memorizer/: the control surface.
 *
 *   memorizer_enabled      rw  0 off, 1 all, 2 writer+children+irq,
 *                              3 writer+children, >3 that pid+children
 *   log_accesses_enabled   rw  0/1   (alias memorizer_log_access)
 *   log_live_enabled       rw  0/1   (alias print_live_obj)
 *   clear_dead_objects     w   1     (alias clear_dead_objs)
 *   clear_printed_list     w   1
 *   kmap                   r   the kmap, variant E
 *   kmap_stream            r   dead objects as kmap lines, drained; waits for
 *                              more until recording stops (reader.c)
 *   allocations            r   the split CSV pair: objects ...
 *   accesses               r   ... and their access records
 *   global_table           r   every registered global: va,size,name,source
 *   stats                  r   counters and pool use (alias show_stats)
 *
 * Old names are symlinks to the new files.
 */

#define pr_fmt(fmt) "memorizer: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kasan.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "memorizer.h"

/* How long a kmap_stream reader that caught up sleeps before walking again. */
#define MZ_STREAM_WAIT_MS	100

static ssize_t mz_read_int(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos, long val)
{
	char buf[24];
	int len = scnprintf(buf, sizeof(buf), "%ld\n", val);

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t enabled_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct mz_stats st;

	mz_stats_snapshot(&st);
	return mz_read_int(file, ubuf, count, ppos, st.enabled);
}

static ssize_t enabled_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	long mode;
	int ret = kstrtol_from_user(ubuf, count, 0, &mode);

	if (!ret)
		ret = mz_set_enabled(mode);
	return ret ? ret : count;
}

static const struct file_operations enabled_fops = {
	.read = enabled_read,
	.write = enabled_write,
	.llseek = default_llseek,
};

static ssize_t log_accesses_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct mz_stats st;

	mz_stats_snapshot(&st);
	return mz_read_int(file, ubuf, count, ppos, st.log_accesses);
}

static ssize_t log_accesses_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, count, &on);

	if (ret)
		return ret;
	mz_set_log_accesses(on);
	return count;
}

static const struct file_operations log_accesses_fops = {
	.read = log_accesses_read,
	.write = log_accesses_write,
	.llseek = default_llseek,
};

static ssize_t log_live_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct mz_stats st;

	mz_stats_snapshot(&st);
	return mz_read_int(file, ubuf, count, ppos, st.log_live);
}

static ssize_t log_live_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, count, &on);

	if (ret)
		return ret;
	mz_set_log_live(on);
	return count;
}

static const struct file_operations log_live_fops = {
	.read = log_live_read,
	.write = log_live_write,
	.llseek = default_llseek,
};

/* Write 1 to act; anything else is ignored, as on the original tool. */
static ssize_t mz_trigger(const char __user *ubuf, size_t count,
			  int (*action)(void))
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, count, &on);

	if (!ret && on)
		ret = action();
	return ret ? ret : count;
}

static ssize_t clear_dead_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	return mz_trigger(ubuf, count, mz_clear_dead);
}

static const struct file_operations clear_dead_fops = {
	.write = clear_dead_write,
	.llseek = noop_llseek,
};

static ssize_t clear_printed_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	return mz_trigger(ubuf, count, mz_clear_printed);
}

static const struct file_operations clear_printed_fops = {
	.write = clear_printed_write,
	.llseek = noop_llseek,
};

/* The file's kind of reader is its inode's private data. */
static int kmap_open(struct inode *inode, struct file *file)
{
	struct mz_reader *r;
	int ret = mz_reader_open(&r, (enum mz_read_kind)(uintptr_t)inode->i_private);

	if (ret)
		return ret;
	file->private_data = r;
	return nonseekable_open(inode, file);
}

static ssize_t kmap_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct mz_reader *r = file->private_data;
	ssize_t done = 0;
	unsigned long ret;
	size_t n;

	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	while (count) {
		if (r->off == r->len) {
			mz_reader_fill(r);
			if (!r->len) {
				if (mz_reader_done(r) || fatal_signal_pending(current))
					break;
				/* A stream that caught up waits for more frees. */
				if (mz_reader_caught_up(r)) {
					if (done)
						break;
					if (file->f_flags & O_NONBLOCK) {
						done = -EAGAIN;
						break;
					}
					if (msleep_interruptible(MZ_STREAM_WAIT_MS)) {
						done = -ERESTARTSYS;
						break;
					}
				}
				/* Else a batch of objects not printed: go on. */
				cond_resched();
				continue;
			}
		}
		n = min(count, r->len - r->off);
		/*
		 * copy_to_user() checks the source through KASAN: the reader's
		 * own copy-out, not the workload's access. It may fault and
		 * sleep, so not a quiet section: KASAN off for this task, which
		 * the access hook honours.
		 */
		kasan_disable_current();
		ret = copy_to_user(ubuf + done, r->buf + r->off, n);
		kasan_enable_current();
		if (ret) {
			if (!done)
				done = -EFAULT;
			break;
		}
		r->off += n;
		done += n;
		count -= n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();	/* a large read walks the whole kmap */
	}
	mutex_unlock(&r->lock);
	if (done > 0)
		*ppos += done;
	return done;
}

static int kmap_release(struct inode *inode, struct file *file)
{
	mz_reader_release(file->private_data);
	return 0;
}

static const struct file_operations kmap_fops = {
	.open = kmap_open,
	.read = kmap_read,
	.release = kmap_release,
	.llseek = no_llseek,
};

static int global_table_open(struct inode *inode, struct file *file)
{
	return mz_global_table_open(file);
}

static const struct file_operations global_table_fops = {
	.open = global_table_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

static int stats_show(struct seq_file *m, void *v)
{
	struct mz_sink sk = { .seq = m };
	struct mz_stats st;

	mz_stats_snapshot(&st);
	mz_print_stats(&sk, &st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int __init memorizer_debugfs_init(void)
{
	struct dentry *dir;

	if (!mz_pool_ready())
		return 0;
	dir = debugfs_create_dir("memorizer", NULL);
	debugfs_create_file("memorizer_enabled", 0600, dir, NULL, &enabled_fops);
	debugfs_create_file("log_accesses_enabled", 0600, dir, NULL,
			    &log_accesses_fops);
	debugfs_create_file("log_live_enabled", 0600, dir, NULL, &log_live_fops);
	debugfs_create_file("clear_dead_objects", 0200, dir, NULL,
			    &clear_dead_fops);
	debugfs_create_file("clear_printed_list", 0200, dir, NULL,
			    &clear_printed_fops);
	debugfs_create_file("kmap", 0400, dir, (void *)MZ_READ_KMAP, &kmap_fops);
	debugfs_create_file("kmap_stream", 0400, dir, (void *)MZ_READ_STREAM,
			    &kmap_fops);
	debugfs_create_file("allocations", 0400, dir,
			    (void *)MZ_READ_ALLOCATIONS, &kmap_fops);
	debugfs_create_file("accesses", 0400, dir, (void *)MZ_READ_ACCESSES,
			    &kmap_fops);
	debugfs_create_file("global_table", 0400, dir, NULL, &global_table_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_symlink("memorizer_log_access", dir, "log_accesses_enabled");
	debugfs_create_symlink("print_live_obj", dir, "log_live_enabled");
	debugfs_create_symlink("clear_dead_objs", dir, "clear_dead_objects");
	debugfs_create_symlink("show_stats", dir, "stats");
	return 0;
}
late_initcall(memorizer_debugfs_init);
