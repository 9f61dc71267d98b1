/* help: the front door for requesters: the help page and the mailbox form. The receipt
 * arrives only in a POST body and is never logged; every response is no-store. */
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "pages/pages.h"
#include "parse/receipt.h"
#include "vault/vault.h"

void
page_help(request_t *rq, response_t *rs)
{
	tvars_t *v = tvars_new();
	if (v) {
		tvars_setf(v, "mailbox_href", "/%s/mailbox", lang_code(rq->lang));
		tvars_setf(v, "guide_href", "/%s/guide", lang_code(rq->lang));
	}
	/* This version cannot take requests yet (intake comes with the case store): the
	 * page says so plainly and takes nothing. */
	page_render(rq, rs, "help", N_("Ask for help"), v);
}

static void
mailbox_form(request_t *rq, response_t *rs, const char *error, const char *notice)
{
	char token[64];
	tvars_t *v = tvars_new();
	if (v && http_csrf_token(rq, token) == 0) {
		tvars_set_cstr(v, "csrf", token);
		tvars_setf(v, "action", "/%s/mailbox", lang_code(rq->lang));
		tvars_setf(v, "help_href", "/%s/help", lang_code(rq->lang));
		if (error)
			tvars_set_cstr(v, "error", i18n(rq->lang, error));
		if (notice)
			tvars_set_cstr(v, "notice", i18n(rq->lang, notice));
	}
	sodium_memzero(token, sizeof(token));
	page_render(rq, rs, "mailbox", N_("Open your mailbox"), v);
}

/* Runs on the worker pool: the Argon2id derivation and the slot scan. */
static void
mailbox_find(request_t *rq)
{
	rq->work_status = vault_receipt_find(rq->app->vault, rq->scratch, strlen(rq->scratch));
	sodium_memzero(rq->scratch, sizeof(rq->scratch));
}

void
page_mailbox(request_t *rq, response_t *rs)
{
	if (rq->method != HTTP_POST) {
		mailbox_form(rq, rs, NULL, NULL);
		return;
	}
	if (!rq->work_done) {
		const sv_t *receipt = form_get(&rq->form, "receipt");
		size_t n = receipt ? receipt_parse(*receipt, rq->scratch) : 0;
		if (n == 0) {
			mailbox_form(rq, rs, N_("A receipt has 16 digits, like 1234 5678 9012 3456. Check it and try again."), NULL);
			if (rs->status == 0)
				rs->status = 400;
			return;
		}
		http_defer(rq, mailbox_find);
		return;
	}
	switch ((vault_status_t)rq->work_status) {
	case VAULT_NOT_FOUND:
		/* The same page, whatever was wrong with the receipt. */
		mailbox_form(rq, rs, NULL,
		    N_("We could not open a mailbox with this receipt. Check the digits and try again. A request is deleted, with its mailbox, when it is closed or has had no activity for a long time."));
		return;
	case VAULT_BUSY:
		rs->status = 503;
		return;
	case VAULT_OK:
		/* Live receipts exist only once requests are taken; until then a match
		 * means the key files do not belong to this database. */
		log_warnx("a receipt matched a shred-key slot that has no case");
		rs->status = 500;
		return;
	case VAULT_ERROR:
	default:
		rs->status = 500;
		return;
	}
}
