/*
 * dhcpgen — a lean DHCP load generator for bench/dhcp/run (GEN=dhcpgen), for when perfdhcp is the bottleneck.
 *
 * On a 2-core machine perfdhcp costs more CPU per exchange than the servers it measures and quietly sends fewer
 * requests than asked once it runs out, so a server's "max rate" becomes perfdhcp's. dhcpgen sends the same
 * requests perfdhcp does (its DISCOVER and SOLICIT were copied field by field from a capture), paced in 1 ms ticks
 * with sendmmsg, and reads replies with recvmmsg on a second thread. It checks every reply (type, transaction,
 * for DHCPv6 an address in the Reply's IA_NA) and prints perfdhcp's report lines the harness already parses.
 *
 *   dhcpgen -4 -i eth0 -g 192.0.2.10 -r RATE -p SECONDS [-d DROP_SECONDS]
 *       DISCOVER -> OFFER as a relay would send it (giaddr, from port 67 to 255.255.255.255:67, hops 1), with
 *       option 60 "PXEClient:Arch:00000:UNDI:002001", 93, 94, 97 and a new MAC per request (like perfdhcp -4 -i -R).
 *   dhcpgen -6 -i eth0 -r RATE -p SECONDS [-d DROP_SECONDS]
 *       SOLICIT -> ADVERTISE -> REQUEST -> REPLY to ff02::1:2 from port 546, a new DUID-LLT per client
 *       (like perfdhcp -6 -R); the REQUEST carries the ADVERTISE's server id and IA_NA.
 *
 * A reply later than DROP_SECONDS (default 0.5, perfdhcp's -d) after its request counts as lost.
 * Build: gcc -O2 -pthread -o dhcpgen dhcpgen.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PKT 1500

static int v6, fd, ifindex;
static double rate, seconds, drop_seconds = 0.5;
static struct in_addr giaddr;
static uint64_t t0, total; /* start (ns) and requests to send */
static uint64_t *sent_at;  /* per client: when its first request left (ns), 0 = not yet */
static uint64_t *req_at;   /* DHCPv6: when its REQUEST left */
static uint8_t *state;     /* 0 sent, 1 first reply seen (v4 done), 2 v6 reply seen */
static volatile uint64_t sent_first; /* written by the sender only */
static uint64_t sent_second, recv_first, recv_second, late, bad;
static float *lat_ms;      /* every on-time request->reply pair, ms */
static uint64_t nlat;
static struct sockaddr_in6 dst6;
static volatile int sending_done;
static volatile uint64_t send_end; /* when the last request left (ns) */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what) { perror(what); exit(2); }

/* a MAC per client: 00:0c plus the client number scrambled (distinct for 2^32 clients), as perfdhcp's 00:0c:... */
static void client_mac(uint32_t n, uint8_t mac[6]) {
  uint32_t x = n * 2654435761u; /* odd multiplier: a bijection on 32 bits */
  mac[0] = 0x00; mac[1] = 0x0c;
  mac[2] = x >> 24; mac[3] = x >> 16; mac[4] = x >> 8; mac[5] = x;
}

static int put_opt(uint8_t *p, int code, const void *data, int len) {
  p[0] = code; p[1] = len; memcpy(p + 2, data, len);
  return len + 2;
}

static int build_discover(uint32_t n, uint8_t *b) {
  static const uint8_t prl[] = {1, 28, 2, 3, 15, 6, 12};
  static const char vci[] = "PXEClient:Arch:00000:UNDI:002001";
  static const uint8_t arch[] = {0, 0}, ndi[] = {1, 2, 1};
  uint8_t guid[17] = {0}, mac[6], cid[7];
  memset(b, 0, 240);
  b[0] = 1; b[1] = 1; b[2] = 6; b[3] = 1; /* BOOTREQUEST, Ethernet, hlen 6, hops 1 (relayed) */
  b[4] = n >> 24; b[5] = n >> 16; b[6] = n >> 8; b[7] = n;
  memcpy(b + 24, &giaddr, 4);
  client_mac(n, mac);
  memcpy(b + 28, mac, 6);
  b[236] = 0x63; b[237] = 0x82; b[238] = 0x53; b[239] = 0x63;
  int o = 240;
  uint8_t type = 1;
  o += put_opt(b + o, 53, &type, 1);
  o += put_opt(b + o, 55, prl, sizeof prl);
  o += put_opt(b + o, 60, vci, sizeof vci - 1);
  cid[0] = 1; memcpy(cid + 1, mac, 6);
  o += put_opt(b + o, 61, cid, 7);
  o += put_opt(b + o, 93, arch, 2);
  o += put_opt(b + o, 94, ndi, 3);
  o += put_opt(b + o, 97, guid, 17);
  b[o++] = 255;
  return o;
}

static int put6(uint8_t *p, int code, const void *data, int len) {
  p[0] = code >> 8; p[1] = code; p[2] = len >> 8; p[3] = len;
  if (len) memcpy(p + 4, data, len);
  return len + 4;
}

static int client_duid(uint32_t n, uint8_t duid[14]) {
  uint8_t mac[6];
  client_mac(n, mac);
  const uint8_t head[8] = {0, 1, 0, 1, 0x32, 0x96, 0x19, 0x77}; /* DUID-LLT, Ethernet, a fixed time */
  memcpy(duid, head, 8); memcpy(duid + 8, mac, 6);
  return 14;
}

static int build_solicit(uint32_t n, uint8_t *b) {
  static const uint8_t ia[12] = {0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0x15, 0x18}; /* IAID 1, T1 3600, T2 5400 */
  static const uint8_t oro[4] = {0, 23, 0, 24}, elapsed[2] = {0, 0};
  uint8_t duid[14];
  b[0] = 1; b[1] = n >> 16; b[2] = n >> 8; b[3] = n;
  int o = 4;
  o += put6(b + o, 1, duid, client_duid(n, duid));
  o += put6(b + o, 3, ia, sizeof ia);
  o += put6(b + o, 6, oro, sizeof oro);
  o += put6(b + o, 8, elapsed, sizeof elapsed);
  return o;
}

/* the first option `code` among [p, end): its value and length, or NULL */
static const uint8_t *find6(const uint8_t *p, const uint8_t *end, int code, int *len) {
  while (end - p >= 4) {
    int c = p[0] << 8 | p[1], l = p[2] << 8 | p[3];
    if (p + 4 + l > end) return NULL;
    if (c == code) { *len = l; return p + 4; }
    p += 4 + l;
  }
  return NULL;
}

static void record_latency(uint64_t from, uint64_t at) {
  uint64_t i = __atomic_fetch_add(&nlat, 1, __ATOMIC_RELAXED);
  if (i < 2 * total + 16) lat_ms[i] = (float)((at - from) / 1e6);
}

/* DHCPv6: answer an ADVERTISE with a REQUEST (server id and IA_NA copied), from the receiving thread */
static void send_request(uint32_t n, const uint8_t *sid, int sidlen, const uint8_t *ia, int ialen) {
  static const uint8_t oro[4] = {0, 23, 0, 24}, elapsed[2] = {0, 0};
  uint8_t b[PKT], duid[14];
  uint32_t x = n | 0x800000; /* the REQUEST's transaction id: the client number with the top bit set */
  b[0] = 3; b[1] = x >> 16; b[2] = x >> 8; b[3] = x;
  int o = 4;
  o += put6(b + o, 1, duid, client_duid(n, duid));
  if (sidlen + ialen + 64 > PKT) return;
  o += put6(b + o, 2, sid, sidlen);
  o += put6(b + o, 3, ia, ialen);
  o += put6(b + o, 6, oro, sizeof oro);
  o += put6(b + o, 8, elapsed, sizeof elapsed);
  req_at[n] = now_ns();
  if (sendto(fd, b, o, 0, (struct sockaddr *)&dst6, sizeof dst6) == o) sent_second++;
}

static void handle(const uint8_t *b, int len, uint64_t at) {
  uint64_t drop = (uint64_t)(drop_seconds * 1e9);
  if (!v6) {
    if (len >= 1 && b[0] == 1) return; /* our own broadcast DISCOVER, looped back to port 67 */
    if (len < 244 || b[0] != 2 || b[236] != 0x63 || b[239] != 0x63) { bad++; return; }
    uint32_t n = (uint32_t)b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7];
    int offer = 0;
    for (int o = 240; o + 1 < len && b[o] != 255;) {
      if (b[o] == 0) { o++; continue; }
      if (b[o] == 53 && b[o + 1] == 1 && o + 2 < len) offer = b[o + 2] == 2;
      o += 2 + b[o + 1];
    }
    if (!offer || n >= total || sent_at[n] == 0 || state[n] != 0) { bad++; return; }
    state[n] = 1;
    if (at - sent_at[n] > drop) { late++; return; }
    recv_first++;
    record_latency(sent_at[n], at);
    return;
  }
  if (len < 4) { bad++; return; }
  uint32_t x = (uint32_t)b[1] << 16 | b[2] << 8 | b[3], n = x & 0x7fffff;
  const uint8_t *end = b + len;
  if (b[0] == 2 && !(x & 0x800000)) { /* ADVERTISE */
    if (n >= total || sent_at[n] == 0 || state[n] != 0) { bad++; return; }
    int sidlen = 0, ialen = 0;
    const uint8_t *sid = find6(b + 4, end, 2, &sidlen), *ia = find6(b + 4, end, 3, &ialen);
    if (!sid || !ia) { bad++; return; }
    state[n] = 1;
    if (at - sent_at[n] > drop) { late++; return; }
    recv_first++;
    record_latency(sent_at[n], at);
    send_request(n, sid, sidlen, ia, ialen);
  } else if (b[0] == 7 && (x & 0x800000)) { /* REPLY */
    if (n >= total || state[n] != 1 || req_at[n] == 0) { bad++; return; }
    int ialen = 0, alen = 0;
    const uint8_t *ia = find6(b + 4, end, 3, &ialen);
    if (!ia || ialen < 12 || !find6(ia + 12, ia + ialen, 5, &alen) || alen < 24) { bad++; return; }
    state[n] = 2;
    if (at - req_at[n] > drop) { late++; return; }
    recv_second++;
    record_latency(req_at[n], at);
  } else {
    bad++;
  }
}

static void *receiver(void *arg) {
  (void)arg;
  static uint8_t bufs[BATCH][PKT];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  uint64_t drop = (uint64_t)(drop_seconds * 1e9);
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = bufs[i]; iov[i].iov_len = PKT;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int k = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
    uint64_t at = now_ns();
    if (k > 0) for (int i = 0; i < k; i++) handle(bufs[i], msgs[i].msg_len, at);
    else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) die("recvmmsg");
    if (sending_done && at > send_end + drop) return NULL;
  }
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  const char *ifname = NULL;
  int c;
  while ((c = getopt(argc, argv, "46i:g:r:p:d:")) != -1) {
    switch (c) {
      case '4': v6 = 0; break;
      case '6': v6 = 1; break;
      case 'i': ifname = optarg; break;
      case 'g': if (inet_pton(AF_INET, optarg, &giaddr) != 1) { fprintf(stderr, "bad -g\n"); return 2; } break;
      case 'r': rate = atof(optarg); break;
      case 'p': seconds = atof(optarg); break;
      case 'd': drop_seconds = atof(optarg); break;
      default: fprintf(stderr, "usage: dhcpgen -4|-6 -i IF [-g GIADDR] -r RATE -p SECONDS [-d DROP]\n"); return 2;
    }
  }
  if (!ifname || rate <= 0 || seconds <= 0 || (!v6 && giaddr.s_addr == 0)) {
    fprintf(stderr, "usage: dhcpgen -4|-6 -i IF [-g GIADDR] -r RATE -p SECONDS [-d DROP]\n");
    return 2;
  }
  total = (uint64_t)(rate * seconds) + 1;
  if (v6 && total >= 0x800000) { fprintf(stderr, "at most 8388607 clients for DHCPv6\n"); return 2; }
  ifindex = if_nametoindex(ifname);
  if (!ifindex) die(ifname);
  sent_at = calloc(total, sizeof *sent_at); req_at = calloc(total, sizeof *req_at);
  state = calloc(total, 1); lat_ms = calloc(2 * total + 16, sizeof *lat_ms);
  if (!sent_at || !req_at || !state || !lat_ms) die("calloc");

  int one = 1, rcvbuf = 4 << 20;
  struct timeval tv = {0, 100000};
  fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname)) != 0) die("SO_BINDTODEVICE");
  struct sockaddr_in dst4 = {0};
  if (v6) {
    struct sockaddr_in6 me = {0};
    me.sin6_family = AF_INET6; me.sin6_port = htons(546); me.sin6_addr = in6addr_any;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0) die("bind [::]:546");
    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
    int hops = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    dst6.sin6_family = AF_INET6; dst6.sin6_port = htons(547); dst6.sin6_scope_id = ifindex;
    inet_pton(AF_INET6, "ff02::1:2", &dst6.sin6_addr);
  } else {
    struct sockaddr_in me = {0};
    me.sin_family = AF_INET; me.sin_port = htons(67); me.sin_addr.s_addr = INADDR_ANY;
    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0) die("bind 0.0.0.0:67");
    dst4.sin_family = AF_INET; dst4.sin_port = htons(67); dst4.sin_addr.s_addr = INADDR_BROADCAST;
  }

  t0 = now_ns();
  pthread_t rx;
  if (pthread_create(&rx, NULL, receiver, NULL) != 0) die("pthread_create");

  static uint8_t bufs[BATCH][PKT];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  uint64_t n = 0;
  while (n < total) {
    uint64_t due = (uint64_t)((now_ns() - t0) / 1e9 * rate) + 1;
    if (due > total) due = total;
    while (n < due) {
      int k = 0;
      for (; k < BATCH && n + k < due; k++) {
        int len = v6 ? build_solicit(n + k, bufs[k]) : build_discover(n + k, bufs[k]);
        iov[k].iov_base = bufs[k]; iov[k].iov_len = len;
        memset(&msgs[k].msg_hdr, 0, sizeof msgs[k].msg_hdr);
        msgs[k].msg_hdr.msg_iov = &iov[k]; msgs[k].msg_hdr.msg_iovlen = 1;
        msgs[k].msg_hdr.msg_name = v6 ? (void *)&dst6 : (void *)&dst4;
        msgs[k].msg_hdr.msg_namelen = v6 ? sizeof dst6 : sizeof dst4;
      }
      uint64_t at = now_ns();
      for (int i = 0; i < k; i++) sent_at[n + i] = at;
      int s = sendmmsg(fd, msgs, k, 0);
      if (s < 0) { if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) s = 0; else die("sendmmsg"); }
      for (int i = s; i < k; i++) sent_at[n + i] = 0; /* not sent: never answered, not counted as sent */
      sent_first += s;
      n += k;
    }
    struct timespec tick = {0, 1000000}; /* pace in 1 ms ticks */
    nanosleep(&tick, NULL);
  }
  send_end = now_ns();
  uint64_t send_ns = send_end - t0;
  sending_done = 1;
  pthread_join(rx, NULL);

  uint64_t m = nlat < 2 * total + 16 ? nlat : 2 * total + 16;
  qsort(lat_ms, m, sizeof *lat_ms, cmp_float);
  printf("Running: dhcpgen -%d -i %s -r %.0f -p %.1f -d %.2f\n", v6 ? 6 : 4, ifname, rate, seconds, drop_seconds);
  printf("sending took %.3f s for %.1f s of requests\n", send_ns / 1e9, seconds);
  printf("***Statistics for: %s***\n", v6 ? "SOLICIT-ADVERTISE" : "DISCOVER-OFFER");
  printf("sent packets: %llu\nreceived packets: %llu\n", (unsigned long long)sent_first, (unsigned long long)recv_first);
  if (v6) {
    printf("***Statistics for: REQUEST-REPLY***\n");
    printf("sent packets: %llu\nreceived packets: %llu\n", (unsigned long long)sent_second,
           (unsigned long long)recv_second);
  }
  printf("late replies (after %.2f s): %llu\nunexpected or malformed replies: %llu\n", drop_seconds,
         (unsigned long long)late, (unsigned long long)bad);
  if (m) printf("latency-ms: %.3f %.3f %.3f\n", lat_ms[(uint64_t)(0.50 * (m - 1))], lat_ms[(uint64_t)(0.90 * (m - 1))],
                lat_ms[(uint64_t)(0.99 * (m - 1))]);
  return 0;
}
