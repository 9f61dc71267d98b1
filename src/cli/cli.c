/* cli: what the commands share: opening an instance as a command needs it (settings,
 * store, vault, a reconciled audit log), and closing it. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/staff.h"
#include "vault/vault.h"

/* Opens what a staff command needs: settings, store, vault, and a reconciled audit log. */
int
cli_open(const char *dir, app_t *app, const char *cmd)
{
	char err[512];
	memset(app, 0, sizeof(*app));
	app->dir = dir;
	config_defaults(&app->config);
	if (config_load(&app->config, dir, err, sizeof(err)) != 0 || store_open(dir, &app->store, err, sizeof(err)) != 0 ||
	    store_instance_get(app->store, &app->instance) != 0 || staff_kdf_consistent(app, err, sizeof(err)) != 0 ||
	    vault_open(dir, app->instance.kdf, 1, 1, &app->vault, err, sizeof(err)) != 0 ||
	    audit_reconcile(app->vault, app->store, err, sizeof(err)) != 0) {
		fprintf(stderr, "sava %s: %s\n", cmd, err[0] ? err : "the instance cannot be opened");
		vault_close(app->vault);
		store_close(app->store);
		return -1;
	}
	return 0;
}

void
cli_close(app_t *app)
{
	vault_close(app->vault);
	store_close(app->store);
}

