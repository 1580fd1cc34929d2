/* nhigate-gate's subcommands: each parses its own options (argv[0] is its name). */
#ifndef NHG_CMD_GATE_CMDS_H
#define NHG_CMD_GATE_CMDS_H

int gate_cmd_debt(int argc, char **argv);        /* gate_debt.c */
int gate_cmd_verify_log(int argc, char **argv);  /* gate_log.c */
int gate_cmd_audit(int argc, char **argv);       /* gate_log.c */

#endif
