/* conns: keeps slow clients from holding every connection (issue 9). Tracks each
 * connection from accept to close by its file descriptor and two times, never its
 * address: one still waiting for a request's headers has a total deadline, at most three
 * quarters of the connections may be waiting at once, and past that, or when the server
 * is full, the one that has waited longest is closed first.
 *
 * Why this way, with libmicrohttpd 0.9.75 (epoll, internal thread pool):
 * - Its timeout is an idle timeout: every header line resets it, so a client sending
 *   one line every few seconds is never closed, and at max_connections each pool thread
 *   takes the listening socket out of its epoll set, so everyone else waits in the
 *   kernel's queue for as long as the slow clients stay.
 * - It has no call that closes a connection. MHD_set_connection_option(TIMEOUT) only
 *   changes that idle timeout, and it edits the owning thread's timeout lists, which is
 *   unsafe from another thread (our sweeper), and a closed connection is unlinked from
 *   them already. An accept policy callback only sees the new connection.
 * - So a connection is closed with shutdown(fd, SHUT_RDWR). The socket hangs up, its
 *   pool thread's epoll reports it (a new edge, even where libmicrohttpd has stopped
 *   reading: it misses an end of file that arrives with the last data), and the thread
 *   closes it the ordinary way, calling NOTIFY_COMPLETED and NOTIFY_CLOSED.
 *   libmicrohttpd closes the descriptor only after NOTIFY_CLOSED returns, and that
 *   callback takes conns.lock to free the record, so a descriptor shut down under the
 *   lock is always this connection's own, never a reused number.
 * - The state is marked from callbacks libmicrohttpd already makes: NOTIFY_CONNECTION
 *   (accepted, closed), the access handler's first call (headers complete), its calls
 *   with body data and its last one (body complete), and NOTIFY_COMPLETED (the request
 *   ended; a kept-alive connection waits again).
 * - A body, once its headers are in, gets header_timeout of grace and must then arrive
 *   at CONNS_BODY_MIN_BPS on average, or it is closed. An answer, once queued, must be
 *   taken by the client within header_timeout plus its size at that same rate (a reader
 *   that takes 50 bytes a second, or pipelines hundreds of requests behind a tiny window,
 *   holds nothing for long). When every place holds a request past its headers, the
 *   reader longest over its answer past the grace makes room, then the slowest body.
 * Cost on the hot path: one uncontended lock per event and no allocation (the records
 * are allocated once, max_connections of them); one thread wakes at each deadline, at
 * least once a second. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/log.h"
#include "http/server.h"

enum conn_state { CONN_FREE, CONN_WAITING, CONN_BODY, CONN_BUSY, CONN_SENDING, CONN_CLOSING };

/* A body must arrive at this average rate, counted from header_timeout after its headers:
 * a client that sends its headers at once and then a byte every few seconds (review) is
 * closed like one that trickles its headers. 1 KiB/s is far below a phone on Tor. */
#define CONNS_BODY_MIN_BPS 1024u

struct conn {
	struct conn *prev, *next;   /* in a waiting or body list, oldest first; next: the free list */
	uint64_t since_ms;          /* when it began to wait for a request's headers, or its body */
	uint64_t bytes;             /* CONN_BODY: body bytes received so far */
	uint64_t deadline_ms;       /* CONN_SENDING: when its answer must be out */
	int fd;
	enum conn_state state;
	bool kept;                  /* waiting for a kept-alive connection's next request */
};

struct conn_list {
	struct conn *head, *tail;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* wakes the sweeper to stop */
	struct conn *table;             /* limit records */
	struct conn *free;
	struct conn_list fresh;         /* new connections, before their first headers */
	struct conn_list kept;          /* kept-alive ones, before the next request's */
	struct conn_list body;          /* headers complete, body still arriving */
	struct conn_list sending;       /* an answer queued, not yet all taken by the client */
	unsigned waiting, busy;         /* CONN_WAITING, and CONN_BODY, CONN_BUSY or CONN_SENDING records */
	unsigned limit, cap;            /* max_connections; waiting ones allowed at once */
	uint64_t fresh_ms, kept_ms;     /* their deadlines */
	unsigned long closed_late, closed_room, closed_slow;   /* since the last log line */
	pthread_t sweeper;
	bool running, stop;
} conns = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t
conns_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
conns_link(struct conn_list *l, struct conn *c)
{
	c->next = NULL;
	c->prev = l->tail;
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

static void
conns_unlink(struct conn_list *l, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

/* Under the lock: c begins to wait for a request's headers, now. */
static void
conns_wait(struct conn *c, bool kept)
{
	c->state = CONN_WAITING;
	c->kept = kept;
	c->since_ms = conns_now_ms();
	conns_link(kept ? &conns.kept : &conns.fresh, c);
	conns.waiting++;
}

/* Under the lock: c no longer waits. */
static void
conns_unwait(struct conn *c)
{
	conns_unlink(c->kept ? &conns.kept : &conns.fresh, c);
	conns.waiting--;
}

/* Under the lock: closes a waiting connection, or one whose body is too slow (its pool
 * thread finishes the job). */
static void
conns_close(struct conn *c)
{
	if (c->state == CONN_BODY || c->state == CONN_SENDING) {
		conns_unlink(c->state == CONN_BODY ? &conns.body : &conns.sending, c);
		conns.busy--;
	} else {
		conns_unwait(c);
	}
	c->state = CONN_CLOSING;
	(void)shutdown(c->fd, SHUT_RDWR);
}

/* Under the lock: whether a body connection is behind the minimum rate at now. */
static bool
conns_body_slow(const struct conn *c, uint64_t now)
{
	uint64_t elapsed = now - c->since_ms;
	if (elapsed <= conns.fresh_ms)
		return false;
	return c->bytes * 1000u < (elapsed - conns.fresh_ms) * CONNS_BODY_MIN_BPS;
}

/* Under the lock: of the bodies past their grace, the one arriving slowest (bytes per
 * millisecond), or NULL. An honest upload, however long, outpaces a trickle. */
static struct conn *
conns_slowest_body(uint64_t now)
{
	struct conn *worst = NULL;
	uint64_t worst_num = 0, worst_den = 1;
	for (struct conn *c = conns.body.head; c; c = c->next) {
		uint64_t elapsed = now - c->since_ms;
		if (elapsed <= conns.fresh_ms)
			break;   /* oldest first: the rest are younger still */
		/* c->bytes / elapsed < worst_num / worst_den, without division */
		if (!worst || c->bytes * worst_den < worst_num * elapsed) {
			worst = c;
			worst_num = c->bytes;
			worst_den = elapsed ? elapsed : 1;
		}
	}
	return worst;
}

/* Under the lock: the connection that has waited longest, or NULL. */
static struct conn *
conns_oldest(void)
{
	struct conn *f = conns.fresh.head, *k = conns.kept.head;
	if (!f || !k)
		return f ? f : k;
	return f->since_ms <= k->since_ms ? f : k;
}

/* Under the lock, after c began to wait: keeps the reserve for requests whose headers
 * are complete, and one place free for the next client when every connection is in
 * use, by closing the connections that have waited longest (never c itself). */
static void
conns_make_room(struct conn *c)
{
	while (conns.waiting > conns.cap || conns.waiting + conns.busy >= conns.limit) {
		struct conn *old = conns_oldest();
		if (!old || old == c) {
			/* every place holds a request past its headers: the reader that has taken
			 * longest over its answer past the grace gives way first (an honest page is
			 * out in milliseconds), then the slowest body past its grace; a request
			 * being worked on (Argon2id, a page being built) never does */
			old = NULL;
			if (conns.waiting + conns.busy >= conns.limit) {
				uint64_t now = conns_now_ms();
				struct conn *r = conns.sending.head;
				old = r && now - r->since_ms > conns.fresh_ms ? r : conns_slowest_body(now);
			}
			if (!old)
				break;
		}
		conns_close(old);
		conns.closed_room++;
	}
}

void
conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci)
			return;   /* untracked: only this connection goes without the defence */
		pthread_mutex_lock(&conns.lock);
		struct conn *c = conns.free;
		if (c) {
			conns.free = c->next;
			c->fd = ci->connect_fd;
			conns_wait(c, false);
			conns_make_room(c);
			*socket_context = c;
		}
		pthread_mutex_unlock(&conns.lock);
		return;
	}
	struct conn *c = *socket_context;
	if (code != MHD_CONNECTION_NOTIFY_CLOSED || !c)
		return;
	pthread_mutex_lock(&conns.lock);
	if (c->state == CONN_WAITING) {
		conns_unwait(c);
	} else if (c->state == CONN_BODY || c->state == CONN_SENDING) {
		conns_unlink(c->state == CONN_BODY ? &conns.body : &conns.sending, c);
		conns.busy--;
	} else if (c->state == CONN_BUSY) {
		conns.busy--;
	}
	c->state = CONN_FREE;
	c->fd = -1;
	c->next = conns.free;
	conns.free = c;
	pthread_mutex_unlock(&conns.lock);
	*socket_context = NULL;
}

static struct conn *
conns_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

void
conns_headers_done(struct MHD_Connection *conn, bool body)
{
	struct conn *c = conns_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&conns.lock);
	if (c->state == CONN_WAITING) {   /* not CONN_CLOSING: that one is going */
		conns_unwait(c);
		conns.busy++;
		if (body) {
			c->state = CONN_BODY;
			c->bytes = 0;
			c->since_ms = conns_now_ms();
			conns_link(&conns.body, c);
		} else {
			c->state = CONN_BUSY;
		}
	}
	pthread_mutex_unlock(&conns.lock);
}

void
conns_body_data(struct MHD_Connection *conn, size_t n)
{
	struct conn *c = conns_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&conns.lock);
	if (c->state == CONN_BODY)
		c->bytes += n;
	pthread_mutex_unlock(&conns.lock);
}

void
conns_body_done(struct MHD_Connection *conn)
{
	struct conn *c = conns_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&conns.lock);
	if (c->state == CONN_BODY) {
		conns_unlink(&conns.body, c);
		c->state = CONN_BUSY;
	}
	pthread_mutex_unlock(&conns.lock);
}

void
conns_sending(struct MHD_Connection *conn, uint64_t size)
{
	struct conn *c = conns_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&conns.lock);
	if (c->state == CONN_BODY)
		conns_unlink(&conns.body, c);
	if (c->state == CONN_BODY || c->state == CONN_BUSY) {
		c->state = CONN_SENDING;
		c->since_ms = conns_now_ms();
		c->deadline_ms = c->since_ms + conns.fresh_ms + size * 1000u / CONNS_BODY_MIN_BPS;
		conns_link(&conns.sending, c);
	}
	pthread_mutex_unlock(&conns.lock);
}

void
conns_request_done(struct MHD_Connection *conn)
{
	struct conn *c = conns_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&conns.lock);
	if (c->state == CONN_BODY || c->state == CONN_SENDING) {   /* answered (before its body ended, for an error) */
		conns_unlink(c->state == CONN_BODY ? &conns.body : &conns.sending, c);
		c->state = CONN_BUSY;
	}
	if (c->state == CONN_BUSY) {
		/* Kept alive, or about to close (NOTIFY_CLOSED then follows at once): this
		 * callback cannot tell, so it makes no room; the next arrival does. */
		conns.busy--;
		conns_wait(c, true);
	}
	pthread_mutex_unlock(&conns.lock);
}

/* Under the lock: closes the connections of l past their deadline; returns the time
 * of the next deadline in l, or UINT64_MAX. */
static uint64_t
conns_expire(struct conn_list *l, uint64_t now, uint64_t deadline_ms)
{
	struct conn *c;
	while ((c = l->head) && now - c->since_ms >= deadline_ms) {
		conns_close(c);
		conns.closed_late++;
	}
	return c ? c->since_ms + deadline_ms : UINT64_MAX;
}

static void *
conns_sweep(void *arg)
{
	uint64_t logged_ms = 0;
	bool logged = false;
	(void)arg;
	pthread_mutex_lock(&conns.lock);
	while (!conns.stop) {
		uint64_t now = conns_now_ms();
		uint64_t next = now + 1000;
		uint64_t f = conns_expire(&conns.fresh, now, conns.fresh_ms);
		uint64_t k = conns_expire(&conns.kept, now, conns.kept_ms);
		for (struct conn *c = conns.body.head, *nx; c; c = nx) {
			nx = c->next;
			if (conns_body_slow(c, now)) {
				conns_close(c);
				conns.closed_slow++;
			}
		}
		for (struct conn *c = conns.sending.head, *nx; c; c = nx) {
			nx = c->next;
			if (now >= c->deadline_ms) {
				conns_close(c);
				conns.closed_slow++;
			} else if (c->deadline_ms < next) {
				next = c->deadline_ms;
			}
		}
		/* At its limit libmicrohttpd accepts nobody, so no arrival would make room:
		 * keep one place free from here too. */
		if (conns.waiting + conns.busy >= conns.limit)
			conns_make_room(NULL);
		next = f < next ? f : next;
		next = k < next ? k : next;
		/* Tell the operator, at most once a minute, that clients are being closed. */
		if ((conns.closed_late || conns.closed_room || conns.closed_slow) && (!logged || now - logged_ms >= 60000)) {
			unsigned long late = conns.closed_late, room = conns.closed_room, slow = conns.closed_slow;
			conns.closed_late = conns.closed_room = conns.closed_slow = 0;
			logged = true;
			logged_ms = now;
			pthread_mutex_unlock(&conns.lock);
			log_info("closed %lu connections too slow to send their headers (header_timeout), %lu whose "
			    "body came, or answer was taken, slower than %u bytes a second, and %lu to make room for "
			    "others: slow clients? (docs/operator.md)", late, slow, CONNS_BODY_MIN_BPS, room);
			pthread_mutex_lock(&conns.lock);
			continue;
		}
		struct timespec ts = { (time_t)(next / 1000), (long)(next % 1000) * 1000000L };
		pthread_cond_timedwait(&conns.cond, &conns.lock, &ts);
	}
	pthread_mutex_unlock(&conns.lock);
	return NULL;
}

int
conns_start(unsigned max_connections, unsigned header_timeout_s, unsigned idle_timeout_s)
{
	if (max_connections < 4 || header_timeout_s == 0)
		return -1;
	conns.table = calloc(max_connections, sizeof(*conns.table));
	if (!conns.table)
		return -1;
	conns.free = NULL;
	for (unsigned i = max_connections; i-- > 0;) {
		conns.table[i].fd = -1;
		conns.table[i].next = conns.free;
		conns.free = &conns.table[i];
	}
	conns.fresh = conns.kept = conns.body = conns.sending = (struct conn_list){ NULL, NULL };
	conns.waiting = conns.busy = 0;
	conns.limit = max_connections;
	conns.cap = max_connections - max_connections / 4;   /* a quarter is the reserve */
	conns.fresh_ms = (uint64_t)header_timeout_s * 1000;
	/* A kept-alive connection may idle between requests as long as libmicrohttpd
	 * lets it, but not longer while trickling the next request's headers either. */
	conns.kept_ms = (uint64_t)(idle_timeout_s > header_timeout_s ? idle_timeout_s : header_timeout_s) * 1000;
	conns.closed_late = conns.closed_room = conns.closed_slow = 0;
	conns.stop = false;

	pthread_condattr_t attr;
	if (pthread_condattr_init(&attr) != 0)
		goto fail;
	int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rc = rc == 0 ? pthread_cond_init(&conns.cond, &attr) : rc;
	pthread_condattr_destroy(&attr);
	if (rc != 0)
		goto fail;
	if (pthread_create(&conns.sweeper, NULL, conns_sweep, NULL) != 0) {
		pthread_cond_destroy(&conns.cond);
		goto fail;
	}
	conns.running = true;
	return 0;
fail:
	free(conns.table);
	conns.table = NULL;
	return -1;
}

void
conns_stop(void)
{
	if (!conns.running)
		return;
	pthread_mutex_lock(&conns.lock);
	conns.stop = true;
	pthread_cond_signal(&conns.cond);
	pthread_mutex_unlock(&conns.lock);
	pthread_join(conns.sweeper, NULL);
	pthread_cond_destroy(&conns.cond);
	conns.running = false;
	free(conns.table);
	conns.table = NULL;
	conns.free = NULL;
}
