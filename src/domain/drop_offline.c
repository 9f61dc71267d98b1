/* drop_offline: the secure drop's offline half (placeholder while it is built). */
#include "domain/drop_private.h"

intake_status_t
drop_offline_submit(const app_t *app, lang_t lang, sv_t message, upload_t *u, char receipt[RECEIPT_DIGITS_MAX + 1])
{
	(void)app; (void)lang; (void)message; (void)u; (void)receipt;
	return INTAKE_CLOSED;
}
