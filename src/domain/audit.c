/* audit: entry encoding. Times are rounded to the hour before they are written, so
 * the log cannot place an action more precisely than that. */
#include "domain/audit.h"

#include <string.h>

void
audit_entry_encode(uint8_t out[AUDIT_ENTRY_BYTES], time_t t, const uint8_t *actor, audit_action_t action,
    const uint8_t *object)
{
	uint64_t hour = t > 0 ? (uint64_t)t - (uint64_t)t % 3600 : 0;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(hour >> (8 * i));
	if (actor)
		memcpy(out + 8, actor, AUDIT_ID_BYTES);
	else
		memset(out + 8, 0, AUDIT_ID_BYTES);
	out[24] = (uint8_t)((unsigned)action & 0xff);
	out[25] = (uint8_t)((unsigned)action >> 8);
	if (object)
		memcpy(out + 26, object, AUDIT_ID_BYTES);
	else
		memset(out + 26, 0, AUDIT_ID_BYTES);
}
