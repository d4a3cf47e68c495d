// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe.c - a researcher's own program for the capture test (scripts/test.sh):
 * writes a file, forks a child that reads it back, and opens a socket. Built
 * static with the host's gcc and copied into the guest with --add. tinyconfig
 * has no networking, so socket() fails there: that is reported, not fatal.
 * Exits 0 when the child read back what the parent wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char text[] = "written by probe\n";

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/tmp/probe.out";
	char buf[sizeof(text)];
	int fd, status, s;
	pid_t pid;

	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd)) {
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
	s = socket(AF_INET, SOCK_STREAM, 0);
	printf("probe: socket: %s\n", s < 0 ? strerror(errno) : "opened");
	if (s >= 0)
		close(s);
	printf("probe: child read the file back: %s\n", WIFEXITED(status) && !WEXITSTATUS(status) ? "yes" : "no");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
