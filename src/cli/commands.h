/* commands: the sava subcommands other than init and serve, one file each
 * (src/cli/cmd_NAME.c). Each takes argv from its own name on and returns an exit
 * status: 0 ok, 1 failure, 2 usage. */
#ifndef SAVA_COMMANDS_H
#define SAVA_COMMANDS_H

int cmd_audit(int argc, char **argv);
int cmd_invite(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_dev(int argc, char **argv);
int cmd_appeal(int argc, char **argv);
int cmd_drop(int argc, char **argv);      /* cmd_drop.c: keygen, export */
int cmd_decrypt(int argc, char **argv);   /* cmd_drop.c: a bundle opened offline */
/* cmd_clean.c (decrypt --clean): -1, said on stderr, when this machine lacks a tool the
 * cleaning needs; clean_dir cleans the files of an opened bundle's folder (1: some failed). */
int clean_check_tools(void);
int clean_dir(const char *dir);
int cmd_subtitles(int argc, char **argv);
int cmd_reach(int argc, char **argv);

/* cli.c: opens DIR as a command needs it (messages name cmd); 0 or -1 (said on stderr). */
#include "domain/app.h"
int cli_open(const char *dir, app_t *app, const char *cmd);
void cli_close(app_t *app);

#endif
