/* help: the front door for requesters: the help form and the receipt (the mailbox: mailbox.c). The
 * receipt arrives only in a POST body and is never logged; every response is no-store.
 * Nothing here needs JavaScript. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "domain/drop.h"
#include "pages/pages.h"
#include "parse/receipt.h"


/* The disk is full (or, for files, nearly): nothing was stored, and the form gives back
 * what was typed (never files, which a browser cannot be given back). */
static const char *const msg_full_help =
    N_("We cannot take requests right now. Nothing was sent. Your text is below: copy it, and try again later.");
static const char *const msg_full_files = N_("Files are not kept: choose them again when you try again.");

/* Labels of the form's lists, in the order of intake_situations and intake_regions. */
static const char *const situation_labels[] = {
	N_("I have received a call-up notice"), N_("I am already serving"), N_("I am at or near a border"),
	N_("I am already out of the country"), N_("I am asking for someone else"),
};
const char *const page_region_labels[] = {
	N_("Central Russia"), N_("North-West"), N_("South"), N_("North Caucasus"), N_("Volga"), N_("Urals"),
	N_("Siberia"), N_("Far East"), N_("Moscow"), N_("St Petersburg"), N_("Outside the country"),
	N_("I prefer not to say"),
};

static void
choices(const request_t *rq, tvars_t *v, const char *list, const char *const *values, const char *const *labels,
    sv_t selected)
{
	for (size_t i = 0; values[i]; i++) {
		tvars_t *it = tvars_add_item(v, list);
		if (!it)
			return;
		tvars_set_cstr(it, "value", values[i]);
		tvars_set_cstr(it, "label", i18n(rq->lang, labels[i]));
		if (sv_eq(selected, sv_from_cstr(values[i])))
			tvars_set_cstr(it, "selected", "1");
	}
}

static tvars_t *
help_vars(request_t *rq)
{
	tvars_t *v = page_form_vars(rq);
	if (!v)
		return NULL;
	const char *l = lang_code(rq->lang);
	tvars_setf(v, "action", "/%s/help", l);
	tvars_setf(v, "mailbox_href", "/%s/mailbox", l);
	tvars_setf(v, "guide_href", "/%s/guide", l);
	tvars_setf(v, "help_href", "/%s/help", l);
	tvars_setf(v, "reply_action", "/%s/mailbox/reply", l);
	tvars_setf(v, "leave_action", "/%s/mailbox/leave", l);
	tvars_setf(v, "max_files", "%u", rq->app->config.max_files);
	tvars_setf(v, "max_mb", "%u", rq->app->config.max_file_mb);
	tvars_setf(v, "message_max", "%u", rq->app->config.message_max);
	if (rq->app->config.max_files > 0)
		tvars_set_cstr(v, "files_allowed", "1");
	return v;
}

/* The form, empty or with what was sent and its problems. */
static void
help_form(request_t *rq, response_t *rs, const page_problems_t *p, const char *notice, int status)
{
	tvars_t *v = help_vars(rq);
	bool post = rq->method == HTTP_POST;
	if (v) {
		tvars_set_cstr(v, "open", "1");
		if (post) {
			tvars_set(v, "message", page_field(rq, "message"));
			tvars_set(v, "contact", page_field(rq, "contact"));
		}
		choices(rq, v, "situations", intake_situations, situation_labels, post ? page_field(rq, "situation") : SV(""));
		choices(rq, v, "regions", intake_regions, page_region_labels, post ? page_field(rq, "region") : SV(""));
		if (p)
			page_problems_vars(rq, v, p);
		if (notice && upload_refused(rq->upload))
			tvars_setf(v, "notice", "%s %s", i18n(rq->lang, notice), i18n(rq->lang, msg_full_files));
		else if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	}
	page_render(rq, rs, "help", N_("Ask for help"), v);
	if (status && rs->status == 0)
		rs->status = status;
}

/* Until a triage key exists nobody could read a request: the page says so and takes nothing. */
static void
help_closed(request_t *rq, response_t *rs, int status)
{
	page_render(rq, rs, "help", N_("Ask for help"), help_vars(rq));
	if (status && rs->status == 0)
		rs->status = status;
}

static void
help_work(request_t *rq)
{
	char receipt[RECEIPT_DIGITS_MAX + 1];
	intake_form_t f = {
		page_field(rq, "message"), page_field(rq, "situation"), page_field(rq, "region"), page_field(rq, "contact"),
	};
	rq->work_status = intake_submit(rq->app, rq->lang, &f, rq->upload, receipt);
	if (rq->work_status == INTAKE_OK)
		memcpy(rq->scratch, receipt, sizeof(receipt));
	sodium_memzero(receipt, sizeof(receipt));
}

static void
receipt_page(request_t *rq, response_t *rs)
{
	tvars_t *v = help_vars(rq);
	page_receipt_vars(v, rq->scratch);
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
	page_render(rq, rs, "receipt", N_("Your request has been received"), v);
}

void
page_help(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		if (intake_open(rq->app))
			help_form(rq, rs, NULL, NULL, 0);
		else
			help_closed(rq, rs, 0);
		return;
	}
	if (!rq->work_done) {
		if (!intake_open(rq->app)) {
			help_closed(rq, rs, 503);
			return;
		}
		if (upload_refused(rq->upload)) {
			help_form(rq, rs, NULL, msg_full_help, 503);
			return;
		}
		page_problems_t p = { .n = 0 };
		intake_rules_t r;
		page_check_message(rq, true, &p);
		(void)intake_rules(rq->app, &(intake_form_t){ page_field(rq, "message"), page_field(rq, "situation"),
		                                 page_field(rq, "region"), page_field(rq, "contact") },
		    upload_count(rq->upload), &r);
		page_rule_problem(rq, &p, "situation", r.situation, NULL, 0, &p.situation);
		page_rule_problem(rq, &p, "region", r.region, NULL, 0, &p.region);
		page_rule_problem(rq, &p, "contact", r.contact, NULL, RULE_CONTACT_MAX_CHARS, &p.contact);
		if (p.n) {
			help_form(rq, rs, &p, NULL, 400);
			return;
		}
		http_defer(rq, help_work, WORK_HELP_REQUEST);
		return;
	}
	switch ((intake_status_t)rq->work_status) {
	case INTAKE_OK:
		receipt_page(rq, rs);
		return;
	case INTAKE_CLOSED:
		help_closed(rq, rs, 503);
		return;
	case INTAKE_OVERLOADED:
		help_form(rq, rs, NULL,
		    N_("We are overloaded right now, and your request was not saved. Please try again in a few minutes. Nothing you wrote has been stored."),
		    503);
		return;
	case INTAKE_BUSY:
		help_form(rq, rs, NULL,
		    N_("The service is busy, and your request was not saved. Please try again in a minute. Nothing you wrote has been stored."),
		    503);
		return;
	case INTAKE_FULL:
		help_form(rq, rs, NULL, msg_full_help, 503);
		return;
	default:
		help_form(rq, rs, NULL,
		    N_("Something went wrong on our side, and your request was not saved. Please try again later. Nothing you wrote has been stored."),
		    500);
		return;
	}
}
