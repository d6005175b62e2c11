#define _GNU_SOURCE
#include <sys/socket.h>
#include <stddef.h>
#include <string.h>
#include <pthread.h>
#include <arpa/inet.h>
#include "CEpoll.h"

int cepoll_accept(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

void cepoll_set_thread_name(const char *name) {
    char short_name[16];
    strncpy(short_name, name, 15);
    short_name[15] = 0;
    pthread_setname_np(pthread_self(), short_name);
}

int cepoll_address_text(const struct sockaddr_storage *address, char *out, unsigned length) {
    const void *source;
    if (address->ss_family == AF_INET) {
        source = &((const struct sockaddr_in *)address)->sin_addr;
    } else if (address->ss_family == AF_INET6) {
        source = &((const struct sockaddr_in6 *)address)->sin6_addr;
    } else {
        return -1;
    }
    return inet_ntop(address->ss_family, source, out, length) == NULL ? -1 : 0;
}
