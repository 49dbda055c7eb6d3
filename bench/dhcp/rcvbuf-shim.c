/*
 * LD_PRELOAD shim for the load generator (perfdhcp) only: every UDP socket it opens gets a receive buffer of
 * $RCVBUF_BYTES (default 4 MiB). perfdhcp keeps the system default (~208 KiB, a few hundred replies), and a network
 * namespace cannot raise net.core.rmem_default. Without it, a server that absorbs a burst in its own large buffer and
 * then answers it at full speed loses the replies in perfdhcp's socket, and the benchmark counts the generator's
 * overflow against the server. Servers are not touched: each keeps its own buffer choice.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
  static int (*real_socket)(int, int, int);
  if (!real_socket) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
  int fd = real_socket(domain, type, protocol);
  if (fd >= 0 && (type & 0xf) == SOCK_DGRAM && (domain == AF_INET || domain == AF_INET6)) {
    const char *env = getenv("RCVBUF_BYTES");
    int bytes = env ? atoi(env) : 4 << 20;
    /* FORCE ignores net.core.rmem_max (perfdhcp runs as root); plain SO_RCVBUF is capped by it */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  return fd;
}
