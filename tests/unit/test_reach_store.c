/* Unit tests for store/reach: snapshots unique per (post, metric, period, day, source);
 * the latest lifetime count by day even when files arrive out of order; a lower one
 * flagged; days adding up only for posts without lifetime counts; the weekly aggregates
 * summing to the totals whatever the order; accounts' series kept out; a batch rolled
 * back leaves nothing. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "store/reach.h"

static store_t *st;

static int
add(const char *source_tag, const char *platform, const char *id, int period, int64_t day, uint64_t views,
    bool account, bool *added, bool *lower)
{
	uint8_t source[32] = { 0 };
	memcpy(source, source_tag, strlen(source_tag));
	store_reach_batch_t *b;
	if (store_reach_batch_begin(st, source, 20000, &b) != STORE_OK)
		return -1;
	store_reach_count_t c = { .platform = sv_from_cstr(platform), .post_id = sv_from_cstr(id), .metric = SV("views"),
		.period = period, .measured_day = day, .posted_day = -1, .views = views, .account = account };
	if (store_reach_batch_add(b, &c, added, lower) != STORE_OK) {
		store_reach_batch_abort(b);
		return -1;
	}
	return store_reach_batch_commit(b, 20000, 1);
}

struct sums {
	uint64_t total;
	int64_t weeks;
	uint64_t yt;
};

static void
on_platform(void *ctx, const char *platform, uint64_t views, uint64_t posts)
{
	struct sums *s = ctx;
	(void)posts;
	s->total += views;
	if (strcmp(platform, "youtube") == 0)
		s->yt = views;
}

static void
on_week(void *ctx, const char *platform, int64_t week, int64_t views)
{
	(void)platform;
	(void)week;
	((struct sums *)ctx)->weeks += views;
}

struct groups {
	size_t n;
	uint64_t appeal_views, unlinked_views, other_views;
};

static void
on_group(void *ctx, const store_reach_group_t *g)
{
	struct groups *x = ctx;
	x->n++;
	if (g->has_appeal && g->appeal[0] == 1)
		x->appeal_views += g->views;
	else if (!g->has_appeal && !g->item[0])
		x->unlinked_views += g->views;
	else if (!g->has_appeal && strcmp(g->item, "other") == 0)
		x->other_views += g->views;
}

static struct sums
sums(void)
{
	struct sums s = { 0 };
	store_metrics_t m = { .name = { "views" }, .n = 1 };
	CHECK(store_reach_by_platform(st, &m, on_platform, &s) == STORE_OK);
	CHECK(store_reach_weeks(st, &m, on_week, &s) == STORE_OK);
	return s;
}

int
main(void)
{
	char dir[] = "/tmp/sava-reach-XXXXXX", err[256];
	bool added, lower;
	CHECK(mkdtemp(dir) != NULL);
	CHECK(store_create(dir, KDF_INSECURE_FAST, &st, err, sizeof(err)) == 0);

	/* out of order: the later day comes first; the latest is by day, not by arrival */
	CHECK(add("b", "youtube", "v1", 0, 20010, 700, false, &added, &lower) == 0 && added && !lower);
	CHECK(add("a", "youtube", "v1", 0, 20003, 300, false, &added, &lower) == 0 && added && !lower);
	struct sums s = sums();
	CHECK(s.yt == 700 && s.total == 700 && s.weeks == 700);
	/* the same count from the same source: known */
	CHECK(add("a", "youtube", "v1", 0, 20003, 300, false, &added, &lower) == 0 && !added);
	/* a lower lifetime count after: kept, latest, flagged */
	CHECK(add("c", "youtube", "v1", 0, 20020, 650, false, &added, &lower) == 0 && added && lower);
	s = sums();
	CHECK(s.yt == 650 && s.weeks == 650);
	uint64_t posts, snaps, flagged;
	CHECK(store_reach_counts(st, &posts, &snaps, &flagged) == STORE_OK && posts == 1 && snaps == 3 && flagged == 1);

	/* days add up for a post without lifetime counts; the same day twice counts once */
	CHECK(add("d", "tiktok", "t1", 1, 20001, 40, false, &added, &lower) == 0 && added);
	CHECK(add("d", "tiktok", "t1", 1, 20002, 60, false, &added, &lower) == 0 && added);
	CHECK(add("e", "tiktok", "t1", 1, 20002, 65, false, &added, &lower) == 0 && added);
	s = sums();
	CHECK(s.total == 650 + 105 && s.weeks == 650 + 105);
	/* ... until it has a lifetime count, which is then its count */
	CHECK(add("f", "tiktok", "t1", 0, 20030, 500, false, &added, &lower) == 0 && added && !lower);
	s = sums();
	CHECK(s.total == 650 + 500 && s.weeks == 650 + 500);

	/* an account's series is kept but counts for nothing */
	CHECK(add("g", "youtube", "@chan", 1, 20005, 9999, true, &added, &lower) == 0 && added);
	s = sums();
	CHECK(s.total == 1150 && s.weeks == 1150);

	/* a batch rolled back leaves nothing */
	uint8_t source[32] = { 'z' };
	store_reach_batch_t *b;
	CHECK(store_reach_batch_begin(st, source, 20000, &b) == STORE_OK);
	store_reach_count_t c = { .platform = SV("vk"), .post_id = SV("k1"), .metric = SV("views"), .period = 0,
		.measured_day = 20000, .posted_day = -1, .views = 5 };
	CHECK(store_reach_batch_add(b, &c, &added, &lower) == STORE_OK && added);
	store_reach_batch_abort(b);
	s = sums();
	CHECK(s.total == 1150);
	int64_t day;
	CHECK(store_reach_import_day(st, source, &day) == STORE_NOT_FOUND);
	uint8_t fsrc[32] = { 'b' };
	CHECK(store_reach_import_day(st, fsrc, &day) == STORE_OK && day == 20000);

	/* an editor links the imported post to an appeal; a second item cannot take it */
	store_reach_post_t p = { .has_appeal = true, .appeal = { 1 }, .posted_day = -1, .posted_by = STORE_POSTED_PARTNER };
	snprintf(p.platform, sizeof(p.platform), "%s", "youtube");
	snprintf(p.platform_id, sizeof(p.platform_id), "%s", "v1");
	int64_t id, id2;
	CHECK(store_reach_post_add(st, &p, false, 20000, &id) == STORE_OK);
	store_reach_post_t q = { .posted_day = -1 };
	snprintf(q.platform, sizeof(q.platform), "%s", "youtube");
	snprintf(q.platform_id, sizeof(q.platform_id), "%s", "v1");
	snprintf(q.item, sizeof(q.item), "%s", "other");
	CHECK(store_reach_post_add(st, &q, false, 20000, &id2) == STORE_CONFLICT);
	/* its counts moved from "not linked" to the appeal */
	struct groups g = { 0 };
	store_metrics_t m = { .name = { "views" }, .n = 1 };
	CHECK(store_reach_by_item(st, &m, 10, on_group, &g) == STORE_OK);
	CHECK(g.n == 2 && g.appeal_views == 650 && g.unlinked_views == 500);
	s = sums();
	CHECK(s.total == 1150);
	/* moved on purpose: its counts go with it */
	CHECK(store_reach_post_add(st, &q, true, 20000, &id2) == STORE_OK && id2 == id);
	struct groups g2 = { 0 };
	CHECK(store_reach_by_item(st, &m, 10, on_group, &g2) == STORE_OK);
	CHECK(g2.n == 2 && g2.appeal_views == 0 && g2.other_views == 650);
	CHECK(store_reach_post_add(st, &p, true, 20000, &id2) == STORE_OK);
	store_reach_post_t got;
	CHECK(store_reach_post_get(st, id, &got) == STORE_OK && got.has_appeal && got.appeal[0] == 1 &&
	      got.posted_by == STORE_POSTED_PARTNER);

	store_close(st);
	const char *const files[] = { "sava.db", "sava.db-wal", "sava.db-shm" };
	char path[300];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return check_done("reach_store");
}
