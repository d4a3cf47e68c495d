// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe.c - a researcher's own program for the capture tests
 * (scripts/test.sh, scripts/test-full.sh): writes a file and syncs it, forks
 * a child that reads it back, sends a message to itself over TCP on the
 * loopback (waiting for it with epoll) and a UDP datagram out through eth0.
 * Built static with the host's gcc and copied into the guest with --add.
 * The minimal kernel has no networking, so the socket steps fail there:
 * that is reported, not fatal. Prints one "probe: STEP: RESULT" line per
 * step; exits 0 when the child read back what the parent wrote and every
 * network step either worked or found no networking (ENOSYS, EAFNOSUPPORT).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char text[] = "written by probe\n";
static int failed;

static void report(const char *step, int ok, int err)
{
	if (ok)
		printf("probe: %s: ok\n", step);
	else
		printf("probe: %s: %s\n", step, strerror(err));
	if (!ok && err != ENOSYS && err != EAFNOSUPPORT)
		failed = 1;
}

/* A message to ourselves over TCP on 127.0.0.1, the reply awaited with epoll. */
static int tcp_loopback(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct epoll_event ev = { .events = EPOLLIN };
	socklen_t len = sizeof(sa);
	int lfd, cfd = -1, afd = -1, ep = -1, ok = 0;
	char buf[sizeof(text)];

	errno = 0;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -errno;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len))
		goto out;
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)))
		goto out;
	afd = accept(lfd, NULL, NULL);
	ep = epoll_create1(0);
	if (afd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, afd, &ev))
		goto out;
	if (write(cfd, text, strlen(text)) != (ssize_t)strlen(text))
		goto out;
	if (epoll_wait(ep, &ev, 1, 5000) != 1)
		goto out;
	ok = read(afd, buf, sizeof(buf)) == (ssize_t)strlen(text) && !memcmp(buf, text, strlen(text));
out:
	if (!ok && !errno)
		errno = EIO;
	ok = ok ? 0 : -errno;
	if (ep >= 0)
		close(ep);
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	return ok;
}

/* One datagram to QEMU's user-network host side: out through eth0. */
static int udp_out(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = 0;

	if (fd < 0)
		return -errno;
	inet_pton(AF_INET, "10.0.2.2", &sa.sin_addr);
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sa, sizeof(sa)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/probe.out";
	char buf[sizeof(text)];
	int fd, status, ret;
	pid_t pid;

	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(fd) || close(fd)) {
		perror(path);
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		ssize_t n;

		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		_exit(n == (ssize_t)strlen(text) && !memcmp(buf, text, n) ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	ret = tcp_loopback();
	report("tcp over loopback with epoll", !ret, -ret);
	ret = udp_out();
	report("udp to 10.0.2.2 through eth0", !ret, -ret);
	printf("probe: child read the file back: %s\n", WIFEXITED(status) && !WEXITSTATUS(status) ? "yes" : "no");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	return failed;
}
