/* pages: one file per page family. Each page fills a response from a request; HTML
 * comes only from templates (escape by default) inside the one layout. Pages reach data
 * only through the domain, and know nothing of libmicrohttpd: they include http/http.h
 * for the request and response they are handed, and the HTTP layer sends what they fill. */
#ifndef SAVA_PAGES_H
#define SAVA_PAGES_H

#include "domain/intake.h"
#include "http/http.h"
#include "pages/tmpl.h"

/* Parses every template and renders the Markdown content, once (before http_init, which
 * builds the shared responses from these pages). Returns 0, or -1 with a sentence in err. */
int pages_init(char *err, size_t errlen) WUR;
void pages_shutdown(void);

/* Renders a template into the layout: title is an English msgid; v is consumed. */
/* After an action: msgid (N_()) is said in a success banner directly under the page's H1,
 * in the page's language ("Sent. The answer will appear here..."). */
void page_banner(request_t *rq, const char *msgid);
void page_render(request_t *rq, response_t *rs, const char *tmpl, const char *title, tvars_t *v);
/* The error page for status, in the request's language (the server sends it). */
void page_error(request_t *rq, response_t *rs, int status);
const tmpl_t *pages_template(const char *name);

/* sessions.c: the session of this request, checked from its cookie each time it is
 * asked for, in memory the request owns and the server wipes when it ends (never copy it).
 * A staff session, or NULL with *st (STAFF_DENIED: none or stale; STAFF_ERROR). */
const staff_t *page_staff_session(request_t *rq, staff_status_t *st);
/* A requester's mailbox session: 1 with *m, 0 without one, -1 on error. */
int page_mailbox_session(request_t *rq, const mailbox_t **m);

/* public.c */
void page_root(request_t *rq, response_t *rs);
void page_lang_root(request_t *rq, response_t *rs);
void page_landing(request_t *rq, response_t *rs);
void page_guide(request_t *rq, response_t *rs);
void page_about(request_t *rq, response_t *rs);
int pages_public_init(char *err, size_t errlen) WUR;
void pages_public_shutdown(void);
/* style.c: the stylesheet */
void page_static_css(request_t *rq, response_t *rs);
int pages_style_init(char *err, size_t errlen) WUR;
const char *pages_css_href(void);   /* versioned, for the layout */
/* page.c: the templates, parsed once (init.c starts and ends them) */
int page_templates_init(char *err, size_t errlen) WUR;
void page_templates_shutdown(void);

/* help.c: the requester's pages */
/* Labels in the order of intake_regions and intake_writers (short, for staff pages);
 * NULL-terminated like them (tests/unit/test_intake_lists.c holds them to the same length). */
extern const char *const page_region_labels[];
extern const char *const page_writer_labels[];
void page_help(request_t *rq, response_t *rs);
void page_mailbox(request_t *rq, response_t *rs);
void page_mailbox_reply(request_t *rq, response_t *rs);
void page_mailbox_leave(request_t *rq, response_t *rs);
void page_mailbox_file(request_t *rq, response_t *rs);

/* requests.c: the triage pages */
void page_staff_requests(request_t *rq, response_t *rs);
void page_staff_request(request_t *rq, response_t *rs);
void page_staff_request_reply(request_t *rq, response_t *rs);
void page_staff_file(request_t *rq, response_t *rs);
void page_staff_request_shred(request_t *rq, response_t *rs);
void page_staff_request_note(request_t *rq, response_t *rs);

/* casepage.c: shared by help.c and requests.c */
/* The hooks of the forms with files: each checks, before a file is written, what its
 * page would check anyway (intake open and not overloaded; a live mailbox or a triage
 * member's session). */
/* A staff form's upload without a live session: one that keeps no file (its text is read,
 * for the login page to carry), or the status to refuse with. */
int page_up_no_session(request_t *rq, void **upload, staff_status_t st);
extern const upload_ops_t page_help_upload, page_mailbox_upload, page_staff_upload;
extern const upload_ops_t page_appeal_upload, page_appeal_staff_upload;
extern const upload_ops_t page_drop_upload, page_drop_staff_upload;
#define PAGE_PROBLEMS_MAX 8
typedef struct {
	struct {
		const char *anchor;   /* the field's id */
		char text[400];
	} items[PAGE_PROBLEMS_MAX];
	size_t n;
	bool message, files, situation, region, contact;
} page_problems_t;
sv_t page_field(const request_t *rq, const char *name);
/* Values for a page with a form: a new set holding the request's CSRF token. */
tvars_t *page_form_vars(request_t *rq);
/* Renders a form's page: its problems (may be NULL), a notice (a msgid, may be NULL) and,
 * when status is not 0, that status. Takes v. */
void page_form_render(request_t *rq, response_t *rs, const char *tmpl, const char *title, tvars_t *v,
    const page_problems_t *p, const char *notice, int status);
/* A receipt's digits in groups of four, for reading and copying. */
#define PAGE_RECEIPT_SHOWN (RECEIPT_DIGITS_MAX + RECEIPT_DIGITS_MAX / 4 + 1)
void page_receipt_grouped(const char *digits, char out[PAGE_RECEIPT_SHOWN]);
/* The receipt as the items of "receipt_lines" (each "line": two groups of four), for a
 * confirmation panel; the grouped copy is wiped here. */
void page_receipt_vars(tvars_t *v, const char *digits);
/* The message (required, or optional when files came with it: rule_message) and the
 * files, as problems of the form. */
void page_check_message(const request_t *rq, bool required, page_problems_t *p);
/* A problem of the form at anchor, in words already in the page's language. */
void page_problem_add(page_problems_t *p, const char *anchor, const char *text);
/* One field's rule (rules.h) as a problem of the form, at anchor: empty_msgid for
 * RULE_EMPTY, the "too long" (with max_chars) or "choose from the list" sentence
 * otherwise; *flag (may be NULL) marks the field. Nothing for RULE_OK. */
void page_rule_problem(const request_t *rq, page_problems_t *p, const char *anchor, rule_t r, const char *empty_msgid,
    size_t max_chars, bool *flag);
/* The summary list ("problems"), each field's "NAME_error", and "files_dropped". */
void page_problems_vars(const request_t *rq, tvars_t *v, const page_problems_t *p);
/* The conversation as "messages" (each with "files"), "status" and "closed". */
void page_view_vars(const request_t *rq, tvars_t *v, const case_view_t *cv, const char *file_prefix, bool staff);
/* The same, with file_fn called on each file's item (more vars for a page's own use). */
void page_view_vars_files(const request_t *rq, tvars_t *v, const case_view_t *cv, const char *file_prefix, bool staff,
    void (*file_fn)(void *ctx, tvars_t *item, const case_file_t *f), void *ctx);
void page_staff_drop_clean(request_t *rq, response_t *rs);
/* When an hour-rounded time was, as a person says it: "today", "yesterday", "3 days
 * ago" in the page's language (days counted in Minsk's time), or the date when long ago. */
void page_when(lang_t lang, int64_t hour, char out[32]);
/* A count in words, "3 days ago", from an NN_() pair whose texts hold "%u" where the
 * number goes; the form is the one n needs in lang. */
void page_count_text(lang_t lang, const char *one, const char *many, unsigned long n, char *out, size_t outlen);
/* A translated sentence with "{N}" in it, n put there by hand (a catalog is never a
 * format string); the sentence as it is when it has none. */
void page_fill_n(const char *msg, const char *n, char *out, size_t outlen);
/* A decrypted file as the response: a download, never rendered; f->data is taken over. */
void page_download(response_t *rs, case_file_out_t *f);
/* The same shown in the page (a preview of sava's own, checked output), as content_type. */
void page_inline(response_t *rs, case_file_out_t *f, const char *content_type);
/* The same for a file read by a Range (view_file_part): 206 with its Content-Range, 416,
 * or the whole; says Accept-Ranges either way. */
void page_inline_part(response_t *rs, case_file_out_t *f, const char *content_type);
/* The upload hooks every multipart form shares (casepage.c). */
int page_up_file_begin(void *u, const mp_part_t *part);
int page_up_file_data(void *u, const char *p, size_t n);
int page_up_file_end(void *u);
void page_up_free(void *u);
/* ?page=N (1 when absent or outside 1..max), and the prev_href/next_href of a list at
 * path (with the query qs before the page, or NULL). */
uint64_t page_number(const request_t *rq, uint64_t max);
void page_nav_vars(const request_t *rq, tvars_t *v, const char *path, const char *qs, uint64_t page, bool more);

/* The {id} of the route (or 32 hex digits) as 16 bytes; -1 when it is not one. */
int page_id_param(const request_t *rq, uint8_t id[16]) WUR;
int page_id_from_hex(sv_t hex, uint8_t id[16]) WUR;

/* network.c: the volunteer network */
/* Rows of requests (or applications) as the list's items: href (base + id), lang, stage,
 * new, when (created, or last activity), waiting, unreadable, first_line; extra adds more. */
void page_rows_vars(const request_t *rq, tvars_t *v, const char *list, const request_row_t *rows, size_t n,
    const char *base, bool by_activity, void (*extra)(const request_t *rq, tvars_t *it, const request_row_t *r));
void page_staff_profile(request_t *rq, response_t *rs);
void page_staff_account(request_t *rq, response_t *rs);
void page_staff_cases(request_t *rq, response_t *rs);
void page_staff_request_assign(request_t *rq, response_t *rs);
const char *page_stage_name(const request_t *rq, int stage);
/* Who holds the request, and (for coordinators) the Owls who could take it. */
void page_assign_vars(request_t *rq, tvars_t *v, const staff_t *s, const case_view_t *cv, const uint8_t case_id[16]);
/* The stage, its checklist, the moves, the history and the verifications. */
void page_stage_vars(request_t *rq, tvars_t *v, const staff_t *s, const case_view_t *cv, const uint8_t case_id[16]);
void page_staff_request_stage(request_t *rq, response_t *rs);
/* The stage form's action on request id: the checklist saved first (so ticks are never
 * lost to a move), then the move (to; to equal to from saves the checklist only) or the
 * verification (verify=1). What it did or met ("moved", "invalid", ...), or NULL with
 * rs->status set. */
const char *page_stage_apply(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16]);
void page_staff_request_verify(request_t *rq, response_t *rs);
void page_staff_request_checklist(request_t *rq, response_t *rs);

/* testimonies_staff.c, testimony_page.c: the staff's pages of testimonies; stories.c:
 * the public stories */
void page_staff_testimonies(request_t *rq, response_t *rs);
void page_staff_testimony_new(request_t *rq, response_t *rs);
void page_staff_testimony_from(request_t *rq, response_t *rs);
void page_staff_testimony(request_t *rq, response_t *rs);
/* One testimony's page, with the problems of a refused form (p, may be NULL), a notice
 * or an error (msgids, may be NULL) and, when not 0, that status. */
void page_testimony_render(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16],
    const page_problems_t *p, const char *notice, const char *error, int status);
void page_staff_testimony_note(request_t *rq, response_t *rs);
void page_staff_testimony_consent(request_t *rq, response_t *rs);
void page_staff_testimony_withdraw(request_t *rq, response_t *rs);
void page_staff_testimony_copy(request_t *rq, response_t *rs);
void page_staff_testimony_approve(request_t *rq, response_t *rs);
void page_staff_testimony_publish(request_t *rq, response_t *rs);
void page_staff_testimony_takedown(request_t *rq, response_t *rs);
void page_staff_testimony_shred(request_t *rq, response_t *rs);
void page_staff_story_takedown(request_t *rq, response_t *rs);
/* testimony_media.c: a testimony's video */
#define PAGE_TESTIMONY_BOXES 4
extern const upload_ops_t page_testimony_upload;
void page_staff_testimony_media(request_t *rq, response_t *rs);
void page_staff_testimony_redact(request_t *rq, response_t *rs);
void page_staff_testimony_video(request_t *rq, response_t *rs);
void page_staff_testimony_poster(request_t *rq, response_t *rs);
struct testimony_view;
void page_testimony_media_vars(request_t *rq, tvars_t *v, const struct testimony_view *tv, const char *hex);
void page_stories(request_t *rq, response_t *rs);
void page_story(request_t *rq, response_t *rs);

/* volunteer.c: applications */
void page_volunteer(request_t *rq, response_t *rs);
void page_staff_applications(request_t *rq, response_t *rs);
/* appeals.c: video appeals, public; what appeals_staff.c shares with it */
extern const char *const page_appeal_msg_full, *const page_appeal_msg_failed;
const char *page_appeal_state_name(const request_t *rq, int state);   /* STORE_APPEAL_* in words */
struct appeal_form;
struct appeal_form page_appeal_form_of(const request_t *rq);
void page_appeal_problems(request_t *rq, const struct appeal_form *f, page_problems_t *p);
void page_appeal_languages(const request_t *rq, tvars_t *v);   /* the choices, the sent one selected */
void page_appeal(request_t *rq, response_t *rs);
void page_appeal_status(request_t *rq, response_t *rs);
void page_appeal_withdraw(request_t *rq, response_t *rs);
void page_appeals(request_t *rq, response_t *rs);
void page_appeal_public(request_t *rq, response_t *rs);
void page_staff_appeals(request_t *rq, response_t *rs);
void page_staff_appeal(request_t *rq, response_t *rs);
void page_staff_appeal_approve(request_t *rq, response_t *rs);
void page_staff_appeal_publish(request_t *rq, response_t *rs);
void page_staff_appeal_withdraw(request_t *rq, response_t *rs);
void page_staff_appeal_reclean(request_t *rq, response_t *rs);

/* subtitles.c and subeditor.c: subtitle work on appeals */
#define PAGE_SUBS_CUES 16   /* cues on one page of the editor: 3 fields each, within LIMIT_FORM_FIELDS */
typedef struct {
	uint32_t cid[PAGE_SUBS_CUES];   /* cues whose fields are wrong, with why */
	char text[PAGE_SUBS_CUES][160];
	size_t n;
	bool give_back;                 /* show the fields as sent */
	char summary[400];              /* a problem of the whole form */
	char summary_anchor[16];
} page_subs_errors_t;
/* A language's name in its own language ("Русский"), or the code when sava has none. */
const char *page_language_name(const char *code);
/* A language code from a form or query: two lower-case letters into out. */
bool page_subs_lang(sv_t f, char out[4]);
const char *page_subs_status_text(int subs_status);   /* a msgid */
const char *page_subs_step_name(const request_t *rq, int kind);
void page_subs_editor(request_t *rq, response_t *rs, const staff_t *s, const uint8_t id[16], const char *lang,
    uint32_t version, uint64_t page, const char *notice, const page_subs_errors_t *errs, int status);
void page_staff_subtitles(request_t *rq, response_t *rs);
void page_staff_subtitles_appeal(request_t *rq, response_t *rs);
void page_staff_subtitles_edit(request_t *rq, response_t *rs);
void page_staff_subtitles_step(request_t *rq, response_t *rs);
void page_staff_subtitles_import(request_t *rq, response_t *rs);
void page_staff_subtitles_export(request_t *rq, response_t *rs);
void page_staff_subtitles_video(request_t *rq, response_t *rs);
extern const upload_ops_t page_subs_upload;
void page_staff_appeal_video(request_t *rq, response_t *rs);
void page_staff_appeal_poster(request_t *rq, response_t *rs);
void page_staff_subtitles_burn(request_t *rq, response_t *rs);
void page_staff_subtitles_waveform(request_t *rq, response_t *rs);
/* drop.c: the secure drop */
void page_drop(request_t *rq, response_t *rs);
void page_staff_drops(request_t *rq, response_t *rs);
void page_staff_drop(request_t *rq, response_t *rs);
void page_staff_drop_reply(request_t *rq, response_t *rs);
void page_staff_drop_file(request_t *rq, response_t *rs);
/* reach.c, reach_import.c, campaign.c: reach and the campaign dashboard (issue 13) */
extern const upload_ops_t page_reach_upload;
void page_staff_reach(request_t *rq, response_t *rs);
void page_staff_reach_post(request_t *rq, response_t *rs);
void page_staff_reach_count(request_t *rq, response_t *rs);
void page_staff_reach_import(request_t *rq, response_t *rs);
void page_staff_reach_import_remove(request_t *rq, response_t *rs);
void page_staff_campaign(request_t *rq, response_t *rs);
void page_staff_campaign_export(request_t *rq, response_t *rs);
void page_campaign(request_t *rq, response_t *rs);
void page_staff_appeal_new(request_t *rq, response_t *rs);
void page_staff_application(request_t *rq, response_t *rs);
void page_staff_application_vouch(request_t *rq, response_t *rs);
void page_staff_application_accept(request_t *rq, response_t *rs);
void page_staff_application_reject(request_t *rq, response_t *rs);

/* staff_common.h: what the staff pages share (the session check, the layout's values). */

/* signin.c: into and out of a staff account, and the home */
void page_staff_home(request_t *rq, response_t *rs);
void page_staff_login(request_t *rq, response_t *rs);
void page_staff_logout(request_t *rq, response_t *rs);
void page_staff_enroll(request_t *rq, response_t *rs);
void page_staff_sessions(request_t *rq, response_t *rs);
void page_staff_passphrase(request_t *rq, response_t *rs);
void page_staff_recover(request_t *rq, response_t *rs);

/* roster.c: the roster and revocation */
void page_staff_accounts(request_t *rq, response_t *rs);

/* groups.c: group keys */
void page_staff_groups(request_t *rq, response_t *rs);

/* audit.c: the audit log */
void page_staff_audit(request_t *rq, response_t *rs);

/* markdown.c: renders Markdown to HTML with raw HTML disabled. Returns 0 or -1. */
int markdown_render(const char *md, size_t len, buf_t *out) WUR;

#endif
