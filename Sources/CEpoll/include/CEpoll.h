#ifndef OPENRUN_CEPOLL_H
#define OPENRUN_CEPOLL_H
// The Linux calls of openrun's own event loop (Sources/Runtime/Proxy/Epoll) that Swift's Glibc
// module leaves out: epoll, eventfd, accept4.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC): a GNU extension.
int cepoll_accept(int fd);

/// pthread_setname_np for the calling thread (at most 15 bytes are kept).
void cepoll_set_thread_name(const char *name);

/// The numeric host of a socket address (IPv4 or IPv6) into `out`; 0 on success.
int cepoll_address_text(const struct sockaddr_storage *address, char *out, unsigned length);

#endif
